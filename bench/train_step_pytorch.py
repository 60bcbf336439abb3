#!/usr/bin/python3
"""The same benchmark as bench/train-step.sh in PyTorch: the paper's model exactly as
TransformerGraph builds it (one-hot tokens a, b, = -> token + learned position embedding ->
2 x [causal 4-head attention without biases, MLP 512 with biases and GeLU x*sigmoid(1.702x)],
no LayerNorm -> unembedding at '='), AdamW (eps 1e-8, wd 1, warm-up 10), 2 threads.
Modes: train (one optimiser step) or forward (one no-grad pass over every input returning each
block's residual stream at all positions as numpy). Last line: median_ms=.. p90_ms=.. rss_mb=..
Needs: apt-get install -y python3-torch libopenblas0-openmp"""
import argparse, math, resource, time

import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("--modulus", type=int, default=97)
p.add_argument("--batch", type=int, default=512)  # 0 = full batch
p.add_argument("--steps", type=int, default=60)
p.add_argument("--warmup", type=int, default=20)
p.add_argument("--train-fraction", type=float, default=0.3)
p.add_argument("--mode", choices=["train", "forward"], default="train")
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

P, D, H, M, L = args.modulus, 128, 4, 512, 2
pairs = torch.tensor([(a, b) for a in range(P) for b in range(P)])
labels = (pairs[:, 0] + pairs[:, 1]) % P
tokens = torch.cat([pairs, torch.full((len(pairs), 1), P)], dim=1)  # a, b, =
perm = torch.randperm(len(pairs))
train = perm[: round(args.train_fraction * len(pairs))].sort().values


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        n = lambda *s: torch.nn.Parameter(torch.randn(*s) / math.sqrt(s[0]))
        self.wq, self.wk, self.wv, self.wo = n(D, D), n(D, D), n(D, D), n(D, D)
        self.w_in, self.b_in = n(D, M), torch.nn.Parameter(torch.zeros(M))
        self.w_out, self.b_out = n(M, D), torch.nn.Parameter(torch.zeros(D))

    def forward(self, x):  # x [B, 3, D]
        B = x.shape[0]
        split = lambda t: t.view(B, 3, H, D // H).transpose(1, 2)
        q, k, v = split(x @ self.wq), split(x @ self.wk), split(x @ self.wv)
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // H)
        mask = torch.triu(torch.ones(3, 3, dtype=torch.bool), 1)
        pattern = scores.masked_fill(mask, float("-inf")).softmax(-1)
        x = x + (pattern @ v).transpose(1, 2).reshape(B, 3, D) @ self.wo
        pre = x @ self.w_in + self.b_in
        return x + (pre * torch.sigmoid(1.702 * pre)) @ self.w_out + self.b_out


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w_e = torch.nn.Parameter(torch.randn(P + 1, D) / math.sqrt(D))
        self.w_pos = torch.nn.Parameter(torch.randn(3, D) / math.sqrt(D))
        self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        self.w_u = torch.nn.Parameter(torch.randn(D, P) / math.sqrt(D))

    def forward(self, tok, keep=None):
        x = torch.nn.functional.one_hot(tok, P + 1).float() @ self.w_e + self.w_pos
        for block in self.blocks:
            x = block(x)
            if keep is not None:
                keep.append(x)
        return x[:, -1] @ self.w_u


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-8, weight_decay=1.0)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 10))
batch = len(train) if args.batch <= 0 or args.batch >= len(train) else args.batch
gen = torch.Generator().manual_seed(0)
order, pos = train[torch.randperm(len(train), generator=gen)], 0

times = []
for i in range(args.warmup + args.steps):
    start = time.perf_counter()
    if args.mode == "train":
        if batch == len(train):
            idx = train
        else:
            if pos + batch > len(order):
                order, pos = train[torch.randperm(len(train), generator=gen)], 0
            idx, pos = order[pos:pos + batch], pos + batch
        loss = torch.nn.functional.cross_entropy(model(tokens[idx]), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        loss.item()
    else:
        with torch.no_grad():
            keep = []
            model(tokens, keep)
            # each block's output is a contiguous tensor already computed in host memory: .numpy()
            # shares it without a copy (nothing lazy is left); the Java side copies into float[][]
            out = [k.reshape(len(tokens), -1).numpy() for k in keep]
    if i >= args.warmup:
        times.append((time.perf_counter() - start) * 1000)
print(f"engine=pytorch-{torch.__version__} mode={args.mode} modulus={P} batch={batch} train={len(train)}")
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"median_ms={np.median(times):.2f} p90_ms={np.percentile(times, 90):.2f} rss_mb={rss:.1f}")
