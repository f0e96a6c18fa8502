"""Workload 2: LeNet on 1x28x28, batch 64 -- Module training and inference samples/sec.

    python benchmark/workloads/lenet.py --framework mxlite|mxnet|torch --threads 1 [--quick]

conv5x5x20-tanh-maxpool2, conv5x5x50-tanh-maxpool2, fc500-tanh, fc10, SoftmaxOutput.
Metrics: ``train_samples_per_sec``, ``infer_samples_per_sec``, and
``first_batch_s`` (the first forward_backward+update after bind/init, which
includes any JIT compilation or cache load).  The mxlite and MXNet paths are
the same code (only the import differs); the torch twin builds the same net.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

BATCH = 64


def data(np):
    rs = np.random.RandomState(0)
    return (rs.uniform(0, 1, (BATCH, 1, 28, 28)).astype(np.float32),
            rs.randint(0, 10, BATCH).astype(np.float32))


def lenet_symbol(mx):
    net = mx.sym.Variable('data')
    net = mx.sym.Convolution(net, kernel=(5, 5), num_filter=20, name='conv1')
    net = mx.sym.Activation(net, act_type='tanh')
    net = mx.sym.Pooling(net, pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.Convolution(net, kernel=(5, 5), num_filter=50, name='conv2')
    net = mx.sym.Activation(net, act_type='tanh')
    net = mx.sym.Pooling(net, pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.FullyConnected(mx.sym.Flatten(net), num_hidden=500, name='fc1')
    net = mx.sym.Activation(net, act_type='tanh')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def run_mx(mx, args, x, y):
    mod = mx.mod.Module(lenet_symbol(mx), context=mx.cpu())
    mod.bind(data_shapes=[('data', x.shape)], label_shapes=[('softmax_label', y.shape)])
    mx.random.seed(0)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.05, 'momentum': 0.9})
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    sync = lambda: mod.get_outputs()[0].asnumpy()

    def train():
        mod.forward_backward(batch)
        mod.update()

    def infer():
        mod.forward(batch, is_train=False)
    t = time.perf_counter()
    train()
    mx.nd.waitall()
    first = time.perf_counter() - t
    return first, common.time_steps(train, sync, args.steps, args.warmup), \
        common.time_steps(infer, sync, args.steps, args.warmup)


def run_torch(torch, args, x, y):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2, 2),
                          nn.Conv2d(20, 50, 5), nn.Tanh(), nn.MaxPool2d(2, 2), nn.Flatten(),
                          nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()

    def train():
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model(xt)
    t = time.perf_counter()
    train()
    first = time.perf_counter() - t
    model.train()
    tt = common.time_steps(train, lambda: None, args.steps, args.warmup)
    model.eval()
    return first, tt, common.time_steps(infer, lambda: None, args.steps, args.warmup)


def main():
    args = common.parse_args(__doc__, steps=30, warmup=3)
    fw = common.import_framework(args.framework, args.threads)
    import numpy as np
    x, y = data(np)
    first, train_s, infer_s = (run_torch if args.framework == 'torch' else run_mx)(fw, args, x, y)
    common.emit(args, fw, {'train_samples_per_sec': args.steps * BATCH / train_s,
                           'infer_samples_per_sec': args.steps * BATCH / infer_s,
                           'first_batch_s': first})


if __name__ == '__main__':
    main()
