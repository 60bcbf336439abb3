#!/usr/bin/python3
"""The PyTorch half of bench/pytorch-match.sh: the exact model the direct engine trains
(DirectTransformer / TransformerGraph), started from the engine's exported weights
(docs/engine-weights.md) and fed the engine's minibatches, so that the two training
trajectories can be compared step by step.

Model: tokens a, b, = -> W_E[token] + W_pos[position] -> per block: causal 4-head attention
(q, k, v = x@W_Q, x@W_K, x@W_V, no biases; scores q.k/sqrt(d_head), position t sees u <= t;
x += softmax(scores)@v @ W_O, no b_O), then MLP x += gelu(x@W_in + b_in)@W_out + b_out with
gelu(x) = x*sigmoid(1.702x); no LayerNorm anywhere -> logits = x[:, 2] @ W_U (read at "=")
-> mean cross-entropy over the batch. Matrices are [in, out] (row-vector activations).

Optimiser: torch.optim.AdamW (eps 1e-8, weight decay on every tensor, embeddings and biases
included) with lr(s) = lr*min(1, (s+1)/warmup) for 0-based step s, as WarmupSchedule. The
"engine-form" variant is the engine's former arithmetic (DL4J's Adam:
w -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps) + lr*wd*w) written by hand, to measure what the
epsilon placement changes.

Minibatches: the engine's MinibatchSampler, SplitMix64 Fisher-Yates per epoch, drop last,
reproduced here (checked against the indices the engine exported).

  pytorch_match.py trajectory DIR   (DIR from `TorchMatch trajectory`): last line
      max_rel_diff_100=<x> max_rel_diff_2000=<x>
  pytorch_match.py grok DIR         (DIR from `TorchMatch grok`): last line
      median_grok_engine=<x> median_grok_torch=<x>
Needs only Debian's python3-torch and python3-numpy."""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

MASK64 = (1 << 64) - 1


def read_setup(root):
    setup = {}
    with open(os.path.join(root, "setup.txt")) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                setup[k] = float(v) if any(c in v for c in ".e") else int(v)
    return setup


def load_weights(directory, dtype):
    """The engine's tensors by name, in layout order, as leaf tensors of dtype."""
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    weights = {}
    for t in index["tensors"]:
        a = np.load(os.path.join(directory, t["file"]))
        assert list(a.shape) == t["shape"], (t["name"], a.shape, t["shape"])
        weights[t["name"]] = torch.from_numpy(a.astype(np.float64)).to(dtype).requires_grad_(True)
    return weights, index


class SplitMixSampler:
    """MinibatchSampler: shuffle the train pairs with SplitMix64 at each epoch start, cut batches, drop last."""

    def __init__(self, train, batch, seed):
        self.order = [int(x) for x in train]
        self.batch = min(batch, len(self.order))
        self.full = self.batch == len(self.order)
        self.rng = seed & MASK64
        self.position = len(self.order)

    def next_long(self):
        self.rng = (self.rng + 0x9E3779B97F4A7C15) & MASK64
        z = self.rng
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z = z ^ (z >> 31)
        return z - (1 << 64) if z >= 1 << 63 else z  # Java's signed long

    def next(self):
        if self.full:
            return list(self.order)
        if self.position + self.batch > len(self.order):
            o = self.order
            for i in range(len(o) - 1, 0, -1):
                j = self.next_long() % (i + 1)  # Python's % is Math.floorMod
                o[i], o[j] = o[j], o[i]
            self.position = 0
        b = self.order[self.position:self.position + self.batch]
        self.position += self.batch
        return b


def forward(w, tokens, layers, heads):
    """Logits [B, classes] of tokens [B, 3]. Only the query at "=" reaches the loss from the last
    block, so (as the engine does) its attention output and MLP are computed at position 2 only:
    the same numbers for a third of that block's work."""
    B = tokens.shape[0]
    d = w["W_E"].shape[1]
    dh = d // heads
    x = w["W_E"][tokens] + w["W_pos"]  # [B, 3, d]
    causal = torch.triu(torch.ones(3, 3, dtype=torch.bool), 1)
    split = lambda t, n: t.view(B, n, heads, dh).transpose(1, 2)  # [B, H, n, dh]
    for l in range(1, layers + 1):
        p = f"block{l}_"
        k, v = split(x @ w[p + "W_K"], 3), split(x @ w[p + "W_V"], 3)
        if l < layers:
            q = split(x @ w[p + "W_Q"], 3)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
            pattern = scores.masked_fill(causal, float("-inf")).softmax(-1)
            x = x + (pattern @ v).transpose(1, 2).reshape(B, 3, d) @ w[p + "W_O"]
        else:  # position 2 sees every key: no mask
            x = x[:, 2:]
            q = split(x @ w[p + "W_Q"], 1)
            pattern = ((q @ k.transpose(-1, -2)) / math.sqrt(dh)).softmax(-1)
            x = x + (pattern @ v).transpose(1, 2).reshape(B, 1, d) @ w[p + "W_O"]
        pre = x @ w[p + "W_in"] + w[p + "b_in"]
        x = x + (pre * torch.sigmoid(1.702 * pre)) @ w[p + "W_out"] + w[p + "b_out"]
    return x[:, -1] @ w["W_U"]


class EngineFormAdamW:
    """The engine's former update, elementwise: w -= alpha*m/(sqrt(v)+eps) + lr*wd*w,
    alpha = lr*sqrt(1-b2^t)/(1-b1^t) (DL4J's Adam, then decoupled decay on the old w)."""

    def __init__(self, params, betas, eps, weight_decay):
        self.params = list(params)
        self.b1, self.b2 = betas
        self.eps, self.wd = eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0
        self.param_groups = [{"lr": 0.0}]

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        lr = self.param_groups[0]["lr"]
        alpha = lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            p.sub_(alpha * m / (v.sqrt() + self.eps) + lr * self.wd * p)


class Run:
    def __init__(self, root, weights_dir, dtype, optimizer):
        self.s = read_setup(root)
        task = np.load(os.path.join(root, "task.npy")).astype(np.int64)
        eq = self.s["vocabulary"] - 1
        self.tokens = torch.from_numpy(np.stack([task[:, 0], task[:, 1], np.full(len(task), eq)], 1))
        self.labels = torch.from_numpy(task[:, 2])
        self.train = np.load(os.path.join(root, "train.npy"))
        self.test = torch.from_numpy(np.load(os.path.join(root, "test.npy")).astype(np.int64))
        self.w, _ = load_weights(weights_dir, dtype)
        s = self.s
        betas = (s["beta1"], s["beta2"])
        params = list(self.w.values())
        if optimizer == "torch":
            self.opt = torch.optim.AdamW(params, lr=s["lr"], betas=betas, eps=s["epsilon"],
                                         weight_decay=s["weight_decay"])
        else:
            self.opt = EngineFormAdamW(params, betas, s["epsilon"], s["weight_decay"])
        self.steps = 0

    def lr_at(self, step):  # WarmupSchedule.at, same operation order
        lr, warm = self.s["lr"], self.s["warmup"]
        return lr if warm == 0 or step + 1 >= warm else lr * (step + 1) / warm

    def step(self, batch):
        idx = torch.as_tensor(batch, dtype=torch.int64)
        logits = forward(self.w, self.tokens[idx], self.s["layers"], self.s["heads"])
        loss = torch.nn.functional.cross_entropy(logits, self.labels[idx])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        for g in self.opt.param_groups:
            g["lr"] = self.lr_at(self.steps)
        self.opt.step()
        self.steps += 1
        return loss.item()

    @torch.no_grad()
    def test_accuracy(self):
        logits = forward(self.w, self.tokens[self.test], self.s["layers"], self.s["heads"])
        return (logits.argmax(1) == self.labels[self.test]).double().mean().item()

    def flat(self):
        return torch.cat([t.detach().reshape(-1).double() for t in self.w.values()])


WINDOWS = [(1, 100), (101, 500), (501, 1000), (1001, 2000)]


def windows(a, b, n):
    """Max relative difference |a-b|/|b| per window of 1-based steps (b the reference)."""
    rel = np.abs(a[:n] - b[:n]) / np.abs(b[:n])
    out = {}
    for lo, hi in WINDOWS:
        if lo <= n:
            out[f"{lo}-{min(hi, n)}"] = float(rel[lo - 1:min(hi, n)].max())
    return out, rel


def fmt(w):
    return " ".join(f"{k}:{v:.2e}" for k, v in w.items())


def trajectory(root, f64_steps, variants, f32_steps=None):
    """Engine f32 against torch f32 (the figure), engine f64 against torch f64 over f64_steps (the
    alignment check: with identical arithmetic only rounding is left), and float32's own drift
    (torch f32 and engine f32 against the engine in float64; the float64 run starts from the float64
    draws the float32 weights are rounded from)."""
    s = read_setup(root)
    losses = {}
    for prec in ["f32", "f64"]:
        d = os.path.join(root, prec)
        if not os.path.isdir(d):
            continue
        batches = np.load(os.path.join(d, "batches.npy"))
        engine_loss = np.load(os.path.join(d, "loss.npy"))
        losses["engine", prec] = engine_loss
        n = min(len(engine_loss), f32_steps or len(engine_loss)) if prec == "f32" else min(len(engine_loss), f64_steps)
        # the minibatch order, reproduced
        sampler = SplitMixSampler(np.load(os.path.join(root, "train.npy")), s["batch"], 0)
        mine = np.array([sampler.next() for _ in range(len(batches))])
        same = np.array_equal(mine, batches)
        print(f"{prec}: SplitMix64 sampler reproduces the engine's {len(batches)} batches: {same}", flush=True)
        if not same:
            sys.exit("the reproduced minibatch order differs from the engine's")
        if n == 0:
            continue
        dtype = torch.float32 if prec == "f32" else torch.float64
        for opt in variants:
            run = Run(root, os.path.join(d, "weights0"), dtype, opt)
            t0 = time.perf_counter()
            mine = np.array([run.step(b.tolist()) for b in batches[:n]])
            ms = (time.perf_counter() - t0) * 1000 / n
            losses[opt, prec] = mine
            w, _ = windows(mine, engine_loss, n)
            extra = ""
            if n == len(engine_loss):
                final, _ = load_weights(os.path.join(d, "weights_final"), torch.float64)
                ef = torch.cat([t.detach().reshape(-1) for t in final.values()])
                extra = f"; final weights rel L2 diff {((run.flat() - ef).norm() / ef.norm()).item():.2e}"
            print(f"engine {prec} vs torch {prec} (AdamW {opt}), {n} steps: max rel loss diff {fmt(w)}{extra}; "
                  f"loss {engine_loss[0]:.6g} -> {engine_loss[n - 1]:.4g} ({ms:.0f} ms/step)", flush=True)
    n = len(losses["torch", "f32"])
    main, _ = windows(losses["torch", "f32"], losses["engine", "f32"], n)
    if ("engine", "f64") in losses:
        ref = losses["engine", "f64"]
        n = min(len(ref), n)
        a, _ = windows(losses["torch", "f32"], ref, n)
        b, _ = windows(losses["engine", "f32"], ref, n)
        print(f"float32 drift (against the engine in float64): torch f32 {fmt(a)}; engine f32 {fmt(b)}")
    n = len(losses["torch", "f32"])
    first = list(main.values())[0]
    print(f"max_rel_diff_100={first:.3e} max_rel_diff_{n}={max(main.values()):.3e}")


def grok(root, only=None):
    s = read_setup(root)
    engine = {}
    with open(os.path.join(root, "grok_engine.txt")) as f:
        for line in f:
            kv = dict(x.split("=") for x in line.split())
            engine[int(kv["seed"])] = int(kv["grok_step"])
    if only:  # a subset of the seeds, e.g. one process per core; the summary then covers that subset
        engine = {k: v for k, v in engine.items() if k in only}
    mine = {}
    for seed in sorted(engine):
        run = Run(root, os.path.join(root, f"seed{seed}", "weights0"), torch.float32, "torch")
        sampler = SplitMixSampler(run.train, s["batch"], seed)
        reached = -1
        t0 = time.perf_counter()
        for step in range(1, s["steps"] + 1):
            run.step(sampler.next())
            if step % s["every"] == 0 and run.test_accuracy() >= 0.95:
                reached = step
                break
        mine[seed] = reached
        print(f"seed={seed} grok_step engine={engine[seed]} torch={reached} "
              f"({(time.perf_counter() - t0):.0f} s)", flush=True)

    def summary(name, d):
        v = np.array([x if x > 0 else np.inf for x in d.values()], dtype=float)
        med = float(np.median(v))
        print(f"{name}: steps to test accuracy 0.95 {sorted(d.values())}, median {med:g}, "
              f"spread {v.min():g}-{v.max():g}")
        return med

    me = summary("engine", engine)
    mt = summary("torch ", mine)
    diffs = [mine[k] - engine[k] for k in engine]
    print(f"per-seed torch - engine: {diffs}")
    print(f"median_grok_engine={me:g} median_grok_torch={mt:g}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["trajectory", "grok"])
    p.add_argument("dir")
    # one thread: on the shared 2-core machine (load 7-8) two OpenMP threads took 716 ms per step
    # against 199 ms for one (the model is small; the threads wait for each other)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--f64-steps", type=int, default=300, help="trajectory: steps of the float64 comparison")
    p.add_argument("--steps", type=int, default=None, help="trajectory: compare only the first steps in float32")
    p.add_argument("--seeds", default=None, help="grok: only these seeds, comma-separated (to run seeds in parallel)")
    p.add_argument("--engine-form", action="store_true",
                   help="trajectory: also run the engine's former (DL4J) AdamW form")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, numpy {np.__version__}, {a.threads} threads")
    if a.mode == "trajectory":
        trajectory(a.dir, a.f64_steps, ["torch", "engine-form"] if a.engine_form else ["torch"], a.steps)
    else:
        grok(a.dir, {int(x) for x in a.seeds.split(",")} if a.seeds else None)


if __name__ == "__main__":
    main()
