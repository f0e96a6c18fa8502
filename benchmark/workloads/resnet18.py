"""Workload 3: ResNet-18 v1 (Gluon model zoo) on 3x32x32, batch 32, hybridized.

    python benchmark/workloads/resnet18.py --framework mxlite|mxnet|torch --threads 1 [--quick]

Training step: forward under autograd.record, SoftmaxCrossEntropyLoss,
backward, Trainer('sgd').step.  Metrics: ``train_samples_per_sec`` and
``infer_samples_per_sec`` (hybridized forward, predict mode).  The mxlite and
MXNet paths are the same code (only the import differs).  The torch twin is
the same architecture written by hand (torchvision is not installed): 7x7/2
conv stem + BN + ReLU, 3x3/2 max pool, 4 stages of 2 basic blocks (64, 128,
256, 512 channels, 1x1/2 conv + BN downsample), global average pool, fc 10.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

BATCH = 32


def data(np):
    rs = np.random.RandomState(0)
    return (rs.uniform(-1, 1, (BATCH, 3, 32, 32)).astype(np.float32),
            rs.randint(0, 10, BATCH).astype(np.float32))


def run_mx(mx, args, x, y):
    from_zoo = mx.gluon.model_zoo.vision.resnet18_v1
    mx.random.seed(0)
    net = from_zoo(classes=10)
    net.initialize(mx.init.Xavier(), ctx=mx.cpu())
    net.hybridize()
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd',
                               {'learning_rate': 0.05, 'momentum': 0.9})
    xd, yd = mx.nd.array(x), mx.nd.array(y)
    out = []

    def train():
        with mx.autograd.record():
            loss = loss_fn(net(xd), yd)
        loss.backward()
        trainer.step(BATCH)
        out[:] = [loss]

    def infer():
        out[:] = [net(xd)]
    sync = lambda: (out[0].asnumpy(), mx.nd.waitall())
    return common.time_steps(train, sync, args.steps, args.warmup), \
        common.time_steps(infer, sync, args.steps, args.warmup)


def torch_resnet18(torch, classes=10):
    nn = torch.nn

    class Basic(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                nn.BatchNorm2d(cout))
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

        def forward(self, x):
            res = x if self.down is None else self.down(x)
            return torch.relu(self.body(x) + res)

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, cout in enumerate((64, 128, 256, 512)):
        layers += [Basic(cin, cout, 1 if i == 0 else 2), Basic(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


def run_torch(torch, args, x, y):
    torch.manual_seed(0)
    model = torch_resnet18(torch)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()

    def train():
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model(xt)
    model.train()
    tt = common.time_steps(train, lambda: None, args.steps, args.warmup)
    model.eval()
    return tt, common.time_steps(infer, lambda: None, args.steps, args.warmup)


def main():
    args = common.parse_args(__doc__, steps=10, warmup=2, quick_steps=1)
    fw = common.import_framework(args.framework, args.threads)
    import numpy as np
    x, y = data(np)
    train_s, infer_s = (run_torch if args.framework == 'torch' else run_mx)(fw, args, x, y)
    common.emit(args, fw, {'train_samples_per_sec': args.steps * BATCH / train_s,
                           'infer_samples_per_sec': args.steps * BATCH / infer_s})


if __name__ == '__main__':
    main()
