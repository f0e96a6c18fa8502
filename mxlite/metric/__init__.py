"""``mx.metric``: evaluation metrics, MXNet 1.9.1's names, values and shape rules.

Registered names (``mx.metric.create``): acc/accuracy, top_k_accuracy/top_k_acc/
topkaccuracy, f1, mcc, pcc, perplexity, ce/crossentropy, nll_loss/
negativeloglikelihood, mae, mse, rmse, pearsonr/pearsoncorrelation, loss,
torch, caffe, composite/compositeevalmetric, custommetric.
"""
from .base import (EvalMetric, CompositeEvalMetric, register, alias, create,
                   check_label_shapes)
from .custom import CustomMetric, np
from .classification import (Accuracy, TopKAccuracy, F1, MCC, PCC, Perplexity, CrossEntropy,
                             NegativeLogLikelihood)
from .regression import MAE, MSE, RMSE, PearsonCorrelation, Loss, Torch, Caffe

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'CustomMetric', 'register', 'alias', 'create',
           'np', 'check_label_shapes', 'Accuracy', 'TopKAccuracy', 'F1', 'MCC', 'PCC',
           'Perplexity', 'CrossEntropy', 'NegativeLogLikelihood', 'MAE', 'MSE', 'RMSE',
           'PearsonCorrelation', 'Loss', 'Torch', 'Caffe']
