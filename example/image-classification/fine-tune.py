"""Fine-tune a trained network on a new dataset: keep its layers, replace the classifier.

Loads --pretrained-model PREFIX at --load-epoch (PREFIX-symbol.json and
PREFIX-NNNN.params), cuts the network after --layer-before-fullc, puts a new
fully-connected layer ``fc`` with --num-classes outputs and a softmax on top,
and trains on --data-train/--data-val (.rec files).  The kept layers start
from the pretrained values (learning rate scaled by --pretrained-lr-mult; 0
freezes them), the new layer is initialised.  Epochs count from 0 and
checkpoints go to --model-prefix.

    python fine-tune.py --pretrained-model model/tiny --load-epoch 10 \\
        --layer-before-fullc drop2 --num-classes 5 --num-examples 600 \\
        --data-train five_train.rec --data-val five_val.rec --image-shape 3,28,28 \\
        --model-prefix model/five
"""
import argparse
import logging
import os

logging.basicConfig(level=logging.DEBUG)
from common import find_mxnet  # noqa: E402,F401
from common import data, fit, modelzoo  # noqa: E402
from common.cli import fail, get_symbol, run  # noqa: E402
import mxlite as mx  # noqa: E402
import numpy as np  # noqa: E402


def get_fine_tune_model(symbol, arg_params, num_classes, layer_name, dtype='float32'):
    """
    symbol: the pre-trained network symbol
    arg_params: the argument parameters of the pre-trained model
    num_classes: the number of classes for the fine-tune datasets
    layer_name: the layer name before the last fully-connected layer

    Returns (new symbol, the pretrained parameters it keeps).
    """
    all_layers = symbol.get_internals()
    outputs = all_layers.list_outputs()
    if layer_name + '_output' not in outputs:
        layers = [o[:-len('_output')] for o in outputs if o.endswith('_output')]
        fail('--layer-before-fullc', 'the pretrained network has no layer %r; its last layers '
                                     'are %s' % (layer_name, ', '.join(layers[-6:])))
    net = all_layers[layer_name + '_output']
    kept = set(net.list_arguments())
    net = mx.sym.FullyConnected(data=net, num_hidden=num_classes, name='fc')
    if dtype == 'float16':
        net = mx.sym.Cast(data=net, dtype=np.float32)
    net = mx.sym.SoftmaxOutput(data=net, name='softmax')
    new_args = {k: v for k, v in arg_params.items() if k in kept}
    return (net, new_args)


def set_lr_mult(symbol, names, lr_mult):
    """Scale the learning rate of the variables ``names`` (their ``__lr_mult__`` attribute)."""
    internals = symbol.get_internals()
    for name in names:
        internals[name]._set_attr(__lr_mult__=str(lr_mult))


def load_pretrained(args):
    """(symbol, arg_params, aux_params) of --pretrained-model: a model-zoo name (its files in
    model/ next to this script, downloaded when missing) or a file prefix with --load-epoch."""
    if not args.pretrained_model:
        fail('--pretrained-model', 'is required: the prefix of the trained model\'s files')
    if args.pretrained_model in modelzoo._default_model_info:
        dst = os.path.join(os.path.dirname(os.path.realpath(__file__)), 'model')
        try:
            prefix, epoch = modelzoo.download_model(args.pretrained_model, dst)
        except Exception as err:  # offline, DNS, HTTP errors
            fail('--pretrained-model', 'model-zoo files for %s are not in %s and could not be '
                                       'downloaded (%s)' % (args.pretrained_model, dst,
                                                            getattr(err, 'reason', err)))
        args.load_epoch = epoch
        return mx.model.load_checkpoint(prefix, epoch)
    prefix, epoch = args.pretrained_model, args.load_epoch
    if epoch is None:
        fail('--load-epoch', 'is required: the epoch of --pretrained-model to start from')
    for path in ('%s-symbol.json' % prefix, '%s-%04d.params' % (prefix, epoch)):
        if not os.path.isfile(path):
            fail('--pretrained-model', 'no file %s (from --pretrained-model %s and --load-epoch '
                                       '%d)' % (path, prefix, epoch))
    return mx.model.load_checkpoint(prefix, epoch)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.add_fit_args(parser)
    data.add_data_args(parser)
    data.add_data_aug_args(parser)
    parser.add_argument('--pretrained-model', type=str,
                        help='the pre-trained model: the prefix of its -symbol.json and '
                             '-NNNN.params files (with --load-epoch), or a name from '
                             'common/modelzoo.py such as imagenet1k-resnet-50')
    parser.add_argument('--layer-before-fullc', type=str, default='flatten0',
                        help='the name of the layer before the last fullc layer')
    parser.add_argument('--pretrained-lr-mult', type=float, default=1.0,
                        help='learning-rate multiplier of the pretrained layers (0 freezes '
                             'them; the new layer uses --lr)')
    # less augmentation, a small learning rate and less regularisation
    parser.set_defaults(image_shape='3,224,224',
                        num_epochs=30,
                        lr=.01,
                        lr_step_epochs='20',
                        wd=0,
                        mom=0)
    args = parser.parse_args()
    if not args.num_classes:
        fail('--num-classes', 'is required: the number of classes of the new dataset')
    sym, arg_params, aux_params = load_pretrained(args)
    if args.dtype != 'float32':
        # rebuild the network from symbols/ so that it casts to the new type
        sym = get_symbol(args)
    new_sym, new_args = get_fine_tune_model(sym, arg_params, args.num_classes,
                                            args.layer_before_fullc, args.dtype)
    if args.pretrained_lr_mult != 1.0:
        set_lr_mult(new_sym, new_args, args.pretrained_lr_mult)
    kept_aux = set(new_sym.list_auxiliary_states())
    aux_params = {k: v for k, v in aux_params.items() if k in kept_aux}
    logging.info('fine-tuning from %s-%04d.params: %d pretrained arrays kept, new layer fc '
                 'with %d classes', args.pretrained_model, args.load_epoch,
                 len(new_args) + len(aux_params), args.num_classes)
    args.load_epoch = None        # the new model counts its own epochs from 0
    fit.fit(args=args, network=new_sym, data_loader=data.get_rec_iter, arg_params=new_args,
            aux_params=aux_params)


if __name__ == '__main__':
    run(main)
