"""Score a trained model on a .rec file: accuracy, top-5 accuracy and images per second.

    python score.py --model model/tiny --load-epoch 10 --data-val digits_val.rec \\
        --image-shape 3,28,28

--model is the prefix of the model's -symbol.json / -NNNN.params files, or a
name from common/modelzoo.py such as imagenet1k-resnet-50 (its files are
kept in model/ next to this script, downloaded there when missing).
Use the --rgb-mean/--rgb-std the model was trained with.
"""
import argparse
import logging
import os
import time

from common import find_mxnet, modelzoo  # noqa: F401
from common.cli import check_file, fail, parse_floats, parse_ints, parse_shape, run
import mxlite as mx


def _resolve(model, load_epoch):
    """(prefix, epoch) of a model given as a model-zoo name (files in model/ next to this
    script, downloaded when missing) or a file prefix."""
    if model in modelzoo._default_model_info:
        dst = os.path.join(os.path.dirname(os.path.realpath(__file__)), 'model')
        try:
            return modelzoo.download_model(model, dst)
        except Exception as err:  # offline, DNS, HTTP errors
            fail('--model', 'model-zoo files for %s are not in %s and could not be downloaded '
                            '(%s)' % (model, dst, getattr(err, 'reason', err)))
    for path in ('%s-symbol.json' % model, '%s-%04d.params' % (model, load_epoch)):
        if not os.path.isfile(path):
            fail('--model', 'no file %s (from --model %s and --load-epoch %d)'
                 % (path, model, load_epoch))
    return model, load_epoch


def _devices(gpus):
    if not gpus:
        return mx.cpu()
    ids = parse_ints('--gpus', gpus)
    if mx.num_gpus() < max(ids) + 1:
        logging.warning('--gpus %s: no such GPU; scoring on the CPU instead', gpus)
        return mx.cpu()
    return [mx.gpu(i) for i in ids]


def score(model, data_val, metrics, gpus, batch_size, rgb_mean=None, mean_img=None,
          image_shape='3,224,224', data_nthreads=4, label_name='softmax_label',
          max_num_examples=None, rgb_std=None, load_epoch=0, **unused):
    """Update ``metrics`` over ``data_val``; returns (images per second,).

    ``model`` is a prefix (or model-zoo name) loaded at ``load_epoch``, or a
    (symbol, arg_params, aux_params) triple.
    """
    data_shape = parse_shape('--image-shape', image_shape)
    check_file('--data-val', data_val, '.rec file')
    norm = {}
    if mean_img is not None:
        norm['mean_img'] = mean_img
    elif rgb_mean is not None:
        mean = parse_floats('--rgb-mean', rgb_mean, 3)
        norm.update(mean_r=mean[0], mean_g=mean[1], mean_b=mean[2])
    if rgb_std is not None:
        std = parse_floats('--rgb-std', rgb_std, 3)
        norm.update(std_r=std[0], std_g=std[1], std_b=std[2])
    data = mx.io.ImageRecordIter(path_imgrec=data_val, label_width=1,
                                 preprocess_threads=data_nthreads, batch_size=batch_size,
                                 data_shape=data_shape, label_name=label_name, rand_crop=False,
                                 rand_mirror=False, **norm)
    if isinstance(model, str):
        prefix, epoch = _resolve(model, load_epoch)
        sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, epoch)
    elif isinstance(model, (tuple, list)) and len(model) == 3:
        sym, arg_params, aux_params = model
    else:
        raise TypeError('model type [%s] is not supported' % str(type(model)))
    mod = mx.mod.Module(symbol=sym, context=_devices(gpus), label_names=[label_name])
    mod.bind(for_training=False, data_shapes=data.provide_data,
             label_shapes=data.provide_label)
    mod.set_params(arg_params, aux_params)
    if not isinstance(metrics, list):
        metrics = [metrics]
    tic = time.time()
    num = 0
    for batch in data:
        mod.forward(batch, is_train=False)
        for m in metrics:
            mod.update_metric(m, batch.label)
        num += batch_size
        if max_num_examples is not None and num > max_num_examples:
            break
    return (num / (time.time() - tic),)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', type=str, required=True,
                        help='the model: the prefix of its files, or a model-zoo name')
    parser.add_argument('--load-epoch', type=int, default=0,
                        help='the epoch of the .params file (default: 0)')
    parser.add_argument('--gpus', type=str, default='',
                        help='GPUs to use, e.g. 0,1 (default: the CPU; without GPUs mxlite '
                             'warns and uses the CPU)')
    parser.add_argument('--batch-size', type=int, default=64, help='(default: 64)')
    parser.add_argument('--rgb-mean', type=str, default='0,0,0',
                        help='mean subtracted from R,G,B (default: 0,0,0)')
    parser.add_argument('--rgb-std', type=str, default='1,1,1',
                        help='then divided by these (default: 1,1,1)')
    parser.add_argument('--data-val', type=str, required=True, help='the .rec file to score')
    parser.add_argument('--image-shape', type=str, default='3,224,224',
                        help='channels,height,width the model takes (default: 3,224,224)')
    parser.add_argument('--data-nthreads', type=int, default=4,
                        help='number of threads for data decoding (default: 4)')
    parser.add_argument('--top-k', type=int, default=5,
                        help='also report top-k accuracy (default: 5; 0 for none)')
    args = parser.parse_args()

    logger = logging.getLogger()
    logger.setLevel(logging.DEBUG)
    if not logger.handlers:
        logging.basicConfig(level=logging.DEBUG)

    metrics = [mx.metric.create('acc')]
    if args.top_k > 0:
        metrics.append(mx.metric.create('top_k_accuracy', top_k=args.top_k))
    (speed,) = score(metrics=metrics, **vars(args))
    logging.info('Finished with %f images per second', speed)
    for m in metrics:
        logging.info(m.get())


if __name__ == '__main__':
    run(main)
