"""Helpers shared by the network definitions."""


def parse_image_shape(image_shape):
    """'3,224,224' (or a sequence) -> [3, 224, 224]; ValueError naming --image-shape otherwise."""
    text = image_shape
    if isinstance(image_shape, str):
        try:
            image_shape = [int(v) for v in image_shape.strip('()[] ').split(',') if v.strip()]
        except ValueError:
            image_shape = None
    if image_shape is None or len(image_shape) != 3 or min(int(v) for v in image_shape) <= 0:
        raise ValueError('--image-shape must be channels,height,width (e.g. 3,224,224), got %r'
                         % (text,))
    return [int(v) for v in image_shape]
