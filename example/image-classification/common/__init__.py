"""Shared pieces of the image-classification examples: arguments, data, training."""
