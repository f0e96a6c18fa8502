"""Workload 1: MLP 784-128-64-10 training (Module forward/backward/update), batch 100.

    python benchmark/workloads/mlp.py --framework mxlite|mxnet|torch --threads 1 [--quick]

Metric: ``train_samples_per_sec``.  The mxlite and MXNet paths are the same
code (only the import differs); the torch twin builds the same network.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

BATCH = 100


def data(np):
    rs = np.random.RandomState(0)
    return (rs.uniform(0, 1, (BATCH, 784)).astype(np.float32),
            rs.randint(0, 10, BATCH).astype(np.float32))


def mlp_symbol(mx):
    """784-128-64-10 with relu, SoftmaxOutput (FullyConnected flattens image-shaped data)."""
    net = mx.sym.Variable('data')
    net = mx.sym.Activation(mx.sym.FullyConnected(net, num_hidden=128, name='fc1'), act_type='relu')
    net = mx.sym.Activation(mx.sym.FullyConnected(net, num_hidden=64, name='fc2'), act_type='relu')
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=10, name='fc3'), name='softmax')


def run_mx(mx, args, x, y):
    net = mlp_symbol(mx)
    mod = mx.mod.Module(net, context=mx.cpu())
    mod.bind(data_shapes=[('data', x.shape)], label_shapes=[('softmax_label', y.shape)])
    mx.random.seed(0)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])

    def step():
        mod.forward_backward(batch)
        mod.update()
    return common.time_steps(step, lambda: mod.get_outputs()[0].asnumpy(), args.steps, args.warmup)


def run_torch(torch, args, x, y):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()

    def step():
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()
    return common.time_steps(step, lambda: None, args.steps, args.warmup)


def main():
    args = common.parse_args(__doc__, steps=200, warmup=10)
    fw = common.import_framework(args.framework, args.threads)
    import numpy as np
    x, y = data(np)
    secs = (run_torch if args.framework == 'torch' else run_mx)(fw, args, x, y)
    common.emit(args, fw, {'train_samples_per_sec': args.steps * BATCH / secs})


if __name__ == '__main__':
    main()
