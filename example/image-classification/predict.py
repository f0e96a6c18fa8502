"""Classify image files with a trained model (PREFIX-symbol.json + PREFIX-NNNN.params).

Each image is prepared the way the training scripts fed the network: decoded
as RGB (grayscale for a 1-channel --image-shape), the shorter edge resized to
--resize as tools/im2rec.py --resize does (bilinear), centre-cropped to
--image-shape as ImageRecordIter does, then (pixel - --rgb-mean) / --rgb-std.
Prints the --top-k classes with their probabilities (networks without a softmax
output, such as exported Gluon models, get one).

    python predict.py --model-prefix model/five --load-epoch 3 --image-shape 3,28,28 \\
        digits/3/00012.png

A model from train_mnist.py saw 1x28x28 pixels scaled to [0, 1]:
    python predict.py --model-prefix model/lenet --load-epoch 20 --image-shape 1,28,28 \\
        --rgb-mean 0,0,0 --rgb-std 255,255,255 digit.png
"""
import argparse
import json
import os

from common import find_mxnet  # noqa: F401
from common.cli import check_file, fail, parse_floats, parse_shape, run
import mxlite as mx
import numpy as np


def load_model(prefix, epoch, data_shape, ctx=None):
    """A Module bound for inference on one image of ``data_shape`` (C, H, W)."""
    for path in ('%s-symbol.json' % prefix, '%s-%04d.params' % (prefix, epoch)):
        if not os.path.isfile(path):
            fail('--model-prefix', 'no file %s (from --model-prefix %s and --load-epoch %d)'
                 % (path, prefix, epoch))
    sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, epoch)
    mod = mx.mod.Module(symbol=sym, context=ctx or mx.cpu(),
                        label_names=[n for n in sym.list_arguments() if n.endswith('_label')])
    mod.bind(for_training=False, data_shapes=[('data', (1,) + tuple(data_shape))])
    mod.set_params(arg_params, aux_params)
    return mod


def preprocess(path, data_shape, resize, rgb_mean, rgb_std):
    """The (1, C, H, W) float32 batch the network saw in training for image file ``path``."""
    c, h, w = data_shape
    img = mx.image.imread(path, flag=0 if c == 1 else 1)
    if resize > 0:
        img = mx.image.resize_short(img, resize, interp=1)
    if img.shape[0] < h or img.shape[1] < w:
        fail('--image-shape', '%s is %dx%d after resizing, smaller than the %dx%d crop; raise '
                              '--resize' % (path, img.shape[1], img.shape[0], w, h))
    img, _ = mx.image.center_crop(img, (w, h))
    pixels = img.asnumpy().astype(np.float32)
    pixels = (pixels - np.array(rgb_mean[:c], np.float32)) / np.array(rgb_std[:c], np.float32)
    return pixels.transpose(2, 0, 1)[np.newaxis]


def read_synset(path):
    """Class names, one per line (a line 'n01440764 tench' gives 'n01440764 tench')."""
    check_file('--synset', path, 'class-name file')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def ends_in_softmax(sym):
    """Whether the network's output is already a probability distribution."""
    last = json.loads(sym.tojson())['nodes'][-1]
    return last['op'] in ('SoftmaxOutput', 'softmax', 'SoftmaxActivation')


def predict(mod, batch, top_k):
    """[(probability, class index)] of the top_k classes (a softmax is applied to networks
    that output scores, such as exported Gluon models)."""
    mod.forward(mx.io.DataBatch([mx.nd.array(batch)]), is_train=False)
    out = mod.get_outputs()[0]
    if not ends_in_softmax(mod.symbol):
        out = mx.nd.softmax(out)
    prob = out.asnumpy()[0]
    order = np.argsort(-prob, kind='stable')[:top_k]
    return [(float(prob[i]), int(i)) for i in order]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('images', nargs='+', help='image files (.jpg, .png, ...)')
    parser.add_argument('--model-prefix', type=str, required=True,
                        help='prefix of the model\'s -symbol.json and -NNNN.params files')
    parser.add_argument('--load-epoch', type=int, required=True,
                        help='the epoch of the .params file')
    parser.add_argument('--image-shape', type=str, default='3,224,224',
                        help='channels,height,width the network takes (default: 3,224,224)')
    parser.add_argument('--resize', type=int, default=0,
                        help='resize the shorter edge to this first (default: the larger side '
                             'of --image-shape; -1 keeps the image size)')
    parser.add_argument('--rgb-mean', type=str, default='123.68,116.779,103.939',
                        help='mean subtracted from R,G,B (default: 123.68,116.779,103.939, the '
                             'training scripts\' default)')
    parser.add_argument('--rgb-std', type=str, default='1,1,1',
                        help='then divided by these (default: 1,1,1)')
    parser.add_argument('--top-k', type=int, default=5, help='classes to print (default: 5)')
    parser.add_argument('--synset', type=str,
                        help='file of class names, one per line in label order')
    args = parser.parse_args()
    data_shape = parse_shape('--image-shape', args.image_shape)
    if data_shape[0] not in (1, 3):
        fail('--image-shape', 'images have 1 (grayscale) or 3 (RGB) channels, got %d'
             % data_shape[0])
    rgb_mean = parse_floats('--rgb-mean', args.rgb_mean, 3)
    rgb_std = parse_floats('--rgb-std', args.rgb_std, 3)
    if min(rgb_std) == 0:
        fail('--rgb-std', 'must not contain 0')
    if args.top_k <= 0:
        fail('--top-k', 'must be positive')
    resize = max(data_shape[1:]) if args.resize == 0 else args.resize
    for path in args.images:
        check_file('images', path, 'image file')
    names = read_synset(args.synset) if args.synset else None
    mod = load_model(args.model_prefix, args.load_epoch, data_shape)
    for path in args.images:
        batch = preprocess(path, data_shape, resize, rgb_mean, rgb_std)
        top = predict(mod, batch, args.top_k)
        print(path)
        for prob, idx in top:
            label = names[idx] if names and idx < len(names) else str(idx)
            print('  probability=%f, class=%s' % (prob, label))


if __name__ == '__main__':
    run(main)
