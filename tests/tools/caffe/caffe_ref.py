"""Caffe's layer semantics in plain numpy (float64), independent of mxlite and the converter.

``forward(net, weights, inputs)`` runs a NetParameter the way Caffe's TEST
phase does and returns every blob.  Written from Caffe's documented
behaviour (layer by layer, direct loops); it shares nothing with the
converter except the protobuf schema used to read the prototxt.
"""
import math

import numpy as np


def _kernel_geometry(p, nsp=2):
    def pick(rep, h, w, default):
        if p.HasField(h) or p.HasField(w):
            return [getattr(p, h), getattr(p, w)]
        vals = list(rep)
        if not vals:
            return [default] * nsp
        return vals * nsp if len(vals) == 1 else vals
    kernel = pick(p.kernel_size, 'kernel_h', 'kernel_w', None)
    stride = pick(p.stride, 'stride_h', 'stride_w', 1)
    pad = pick(p.pad, 'pad_h', 'pad_w', 0)
    dil = list(p.dilation) or [1]
    dilation = dil * nsp if len(dil) == 1 else dil
    return kernel, stride, pad, dilation


def conv(x, w, b, stride, pad, dil, group):
    n, c, h, wd = x.shape
    co, cg, kh, kw = w.shape
    oh = (h + 2 * pad[0] - (dil[0] * (kh - 1) + 1)) // stride[0] + 1
    ow = (wd + 2 * pad[1] - (dil[1] * (kw - 1) + 1)) // stride[1] + 1
    xp = np.zeros((n, c, h + 2 * pad[0], wd + 2 * pad[1]))
    xp[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + wd] = x
    out = np.zeros((n, co, oh, ow))
    opg = co // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * opg:(g + 1) * opg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil[0]:i * dil[0] + stride[0] * (oh - 1) + 1:stride[0],
                           j * dil[1]:j * dil[1] + stride[1] * (ow - 1) + 1:stride[1]]
                out[:, g * opg:(g + 1) * opg] += np.einsum('nchw,oc->nohw', patch, ws[:, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def deconv(x, w, b, stride, pad, dil, group):
    """Caffe's Deconvolution: the transpose of conv; weight (C_in, C_out/group, kh, kw)."""
    n, c, h, wd = x.shape
    _, opg, kh, kw = w.shape
    oh = stride[0] * (h - 1) + dil[0] * (kh - 1) + 1 - 2 * pad[0]
    ow = stride[1] * (wd - 1) + dil[1] * (kw - 1) + 1 - 2 * pad[1]
    full = np.zeros((n, opg * group, oh + 2 * pad[0], ow + 2 * pad[1]))
    cpg = c // group
    for g in range(group):
        for i in range(kh):
            for j in range(kw):
                contrib = np.einsum('nchw,co->nohw', x[:, g * cpg:(g + 1) * cpg],
                                    w[g * cpg:(g + 1) * cpg, :, i, j])
                full[:, g * opg:(g + 1) * opg,
                     i * dil[0]:i * dil[0] + stride[0] * (h - 1) + 1:stride[0],
                     j * dil[1]:j * dil[1] + stride[1] * (wd - 1) + 1:stride[1]] += contrib
    out = full[:, :, pad[0]:pad[0] + oh, pad[1]:pad[1] + ow]
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


def pool(x, p):
    n, c, h, w = x.shape
    if p.global_pooling:
        kernel, stride, pad = [h, w], [1, 1], [0, 0]
    else:
        kernel = [p.kernel_h, p.kernel_w] if p.HasField('kernel_h') else [p.kernel_size] * 2
        stride = [p.stride_h, p.stride_w] if p.HasField('stride_h') else [p.stride] * 2
        pad = [p.pad_h, p.pad_w] if (p.HasField('pad_h') or p.HasField('pad_w')) else [p.pad] * 2
    rnd = math.ceil if p.round_mode == 0 else math.floor
    out_size = []
    for size, k, s, pd in zip((h, w), kernel, stride, pad):
        o = int(rnd((size + 2 * pd - k) / s)) + 1
        if pd and (o - 1) * s >= size + pd:
            o -= 1
        out_size.append(o)
    out = np.zeros((n, c) + tuple(out_size))
    for oy in range(out_size[0]):
        for ox in range(out_size[1]):
            hs, ws = oy * stride[0] - pad[0], ox * stride[1] - pad[1]
            he, we = min(hs + kernel[0], h + pad[0]), min(ws + kernel[1], w + pad[1])
            area = (he - hs) * (we - ws)
            hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            win = x[:, :, hs:he, ws:we]
            if p.pool == 0:
                out[:, :, oy, ox] = win.max(axis=(2, 3))
            else:
                out[:, :, oy, ox] = win.sum(axis=(2, 3)) / area
    return out


def lrn(x, p):
    size, alpha, beta, k = p.local_size, p.alpha, p.beta, p.k
    n, c, h, w = x.shape
    half = (size - 1) // 2
    sq = x * x
    if p.norm_region == 0:
        scale = np.zeros_like(x)
        for ch in range(c):
            lo, hi = max(0, ch - half), min(c, ch + half + 1)
            scale[:, ch] = k + alpha / size * sq[:, lo:hi].sum(axis=1)
        return x * scale ** -beta
    padded = np.zeros((n, c, h + 2 * half, w + 2 * half))
    padded[:, :, half:half + h, half:half + w] = sq
    acc = np.zeros_like(x)
    for i in range(size):
        for j in range(size):
            acc += padded[:, :, i:i + h, j:j + w]
    return x * (1 + alpha * acc / (size * size)) ** -beta


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _axes_shape(x, axis, pshape):
    return (1,) * axis + tuple(pshape) + (1,) * (x.ndim - axis - len(pshape))


def forward(net, weights, inputs):
    """Every blob of ``net`` after a TEST-phase forward pass; ``weights``: {layer: [arrays]}."""
    blobs = {k: np.asarray(v, np.float64) for k, v in inputs.items()}
    for L in net.layer:
        if any(r.phase == 0 for r in L.include if r.HasField('phase')):
            continue
        t = L.type
        bot = [blobs[b] for b in L.bottom]
        W = [np.asarray(a, np.float64) for a in weights.get(L.name, [])]
        if t == 'Input':
            continue
        if t == 'Convolution' or t == 'Deconvolution':
            p = L.convolution_param
            k, s, pd, d = _kernel_geometry(p)
            fn = conv if t == 'Convolution' else deconv
            out = [fn(bot[0], W[0], W[1] if p.bias_term else None, s, pd, d, p.group)]
        elif t == 'InnerProduct':
            p = L.inner_product_param
            x = bot[0].reshape(bot[0].shape[:p.axis] + (-1,))
            wm = W[0].T if p.transpose else W[0]
            y = x @ wm.T
            out = [y + W[1] if p.bias_term else y]
        elif t == 'Pooling':
            out = [pool(bot[0], L.pooling_param)]
        elif t == 'ReLU':
            x, ns = bot[0], L.relu_param.negative_slope
            out = [np.where(x > 0, x, ns * x)]
        elif t == 'Sigmoid':
            out = [1 / (1 + np.exp(-bot[0]))]
        elif t == 'TanH':
            out = [np.tanh(bot[0])]
        elif t == 'ELU':
            x, a = bot[0], L.elu_param.alpha
            out = [np.where(x > 0, x, a * (np.exp(x) - 1))]
        elif t == 'PReLU':
            x = bot[0]
            slope = W[0].reshape(-1)
            slope = np.full(x.shape[1], slope[0]) if slope.size == 1 else slope
            out = [np.where(x > 0, x, slope.reshape(_axes_shape(x, 1, slope.shape)) * x)]
        elif t == 'AbsVal':
            out = [np.abs(bot[0])]
        elif t == 'BNLL':
            out = [np.log1p(np.exp(bot[0]))]
        elif t == 'Power':
            p = L.power_param
            out = [(p.shift + p.scale * bot[0]) ** p.power]
        elif t == 'Exp':
            p = L.exp_param
            base = math.e if p.base == -1 else p.base
            out = [base ** (p.shift + p.scale * bot[0])]
        elif t == 'Log':
            p = L.log_param
            base = math.e if p.base == -1 else p.base
            out = [np.log(p.shift + p.scale * bot[0]) / np.log(base)]
        elif t == 'Threshold':
            out = [(bot[0] > L.threshold_param.threshold).astype(np.float64)]
        elif t == 'LRN':
            out = [lrn(bot[0], L.lrn_param)]
        elif t == 'BatchNorm':
            sf = W[2].reshape(-1)[0]
            f = 0 if sf == 0 else 1 / sf
            mean, var = W[0] * f, W[1] * f
            shp = _axes_shape(bot[0], 1, mean.shape)
            out = [(bot[0] - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + L.batch_norm_param.eps)]
        elif t in ('Scale', 'Bias'):
            p = L.scale_param if t == 'Scale' else L.bias_param
            x = bot[0]
            other = bot[1] if len(bot) > 1 else W[0]
            n_ax = other.ndim if len(bot) > 1 else (x.ndim - p.axis if p.num_axes == -1 else p.num_axes)
            shp = _axes_shape(x, p.axis, x.shape[p.axis:p.axis + n_ax])
            y = x * other.reshape(shp) if t == 'Scale' else x + other.reshape(shp)
            if t == 'Scale' and p.bias_term:
                y = y + W[1].reshape(shp)
            out = [y]
        elif t == 'Eltwise':
            p = L.eltwise_param
            if p.operation == 1:
                coeff = list(p.coeff) or [1.0] * len(bot)
                out = [sum(c * x for c, x in zip(coeff, bot))]
            elif p.operation == 0:
                out = [np.prod(bot, axis=0)]
            else:
                out = [np.max(bot, axis=0)]
        elif t == 'Concat':
            out = [np.concatenate(bot, axis=L.concat_param.axis)]
        elif t == 'Flatten':
            p = L.flatten_param
            x = bot[0]
            e = p.end_axis % x.ndim
            out = [x.reshape(x.shape[:p.axis] + (-1,) + x.shape[e + 1:])]
        elif t == 'Reshape':
            p = L.reshape_param
            x = bot[0]
            end = x.ndim if p.num_axes == -1 else p.axis + p.num_axes
            dims = [x.shape[p.axis + i] if d == 0 else d for i, d in enumerate(p.shape.dim)]
            out = [x.reshape(x.shape[:p.axis] + tuple(dims) + x.shape[end:])]
        elif t == 'Slice':
            p = L.slice_param
            x = bot[0]
            pts = list(p.slice_point)
            if not pts:
                step = x.shape[p.axis] // len(L.top)
                pts = [step * i for i in range(1, len(L.top))]
            out = np.split(x, pts, axis=p.axis)
        elif t == 'Split':
            out = [bot[0]] * len(L.top)
        elif t == 'Crop':
            p = L.crop_param
            x, ref = bot
            idx = [slice(None)] * x.ndim
            offs = list(p.offset)
            for i, ax in enumerate(range(p.axis, x.ndim)):
                o = offs[0] if len(offs) == 1 else (offs[i] if offs else 0)
                idx[ax] = slice(o, o + ref.shape[ax])
            out = [x[tuple(idx)]]
        elif t == 'Dropout':
            out = [bot[0]]            # Caffe scales at training time: identity at test
        elif t == 'Softmax':
            out = [softmax(bot[0], L.softmax_param.axis)]
        else:
            raise NotImplementedError(t)
        for name, value in zip(L.top, out):
            blobs[name] = value
    return blobs
