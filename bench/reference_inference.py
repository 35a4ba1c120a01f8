"""Straightforward PyTorch evaluation of the scDFM network (same maths as the
authors' model: everything recomputed at every network evaluation, as their
odeint loop does), for timing against bench_inference. Checks its own output
against the case's forward.safetensors first. Usage:
  python3 reference_inference.py <case-folder> [--cells 16] [--threads T] [--points 20] [--train-steps K]
With --train-steps, also times K training steps as bench_inference does (batch
48: forward, loss, backward, Adam); the loss is the flow-matching MSE only
(ours adds the MMD term of 48 cells, a small part of a step).
"""
import argparse, json, math, resource, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        dt = {"F32": np.float32, "I64": np.int64, "U8": np.uint8}[v["dtype"]]
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[8 + n + a:8 + n + b], dtype=dt).reshape(v["shape"]).copy())
    return out


class Net:
    def __init__(self, W, mask):
        self.W, self.mask = W, mask.bool()
        self.D = W["encoder.embedding.weight"].shape[1]
        self.h = W["blocks.0.diff_self_attn.attn.lambda_q1"].shape[0]
        self.H = self.D // self.h
        self.L = len({k.split(".")[1] for k in W if k.startswith("blocks.")})

    def lin(self, x, p, bias=True):
        return F.linear(x, self.W[p + ".weight"], self.W.get(p + ".bias") if bias else None)

    def ln(self, x, p):
        return F.layer_norm(x, (self.D,), self.W[p + ".weight"], self.W[p + ".bias"])

    def encoder(self, ids):
        W, P = self.W, "encoder.perturbation_interaction."
        emb = W["encoder.embedding.weight"]
        x = self.ln(emb[ids], "encoder.enc_norm")
        M = self.mask.shape[0]
        mem = self.ln(emb[:M], "encoder.enc_norm").unsqueeze(0).expand(ids.shape[0], -1, -1)
        B, Lq, D = x.shape
        H = 8  # nn.MultiheadAttention(d_model, 8) in the authors' encoder
        wq, wk, wv = W[P + "cross_attn.in_proj_weight"].chunk(3)
        bq, bk, bv = W[P + "cross_attn.in_proj_bias"].chunk(3)
        q = F.linear(self.ln(x, P + "norm1"), wq, bq).view(B, Lq, H, -1).transpose(1, 2)
        k = F.linear(mem, wk, bk).view(B, M, H, -1).transpose(1, 2)
        v = F.linear(mem, wv, bv).view(B, M, H, -1).transpose(1, 2)
        s = (q / math.sqrt(D // H)) @ k.transpose(-1, -2)
        s = s.masked_fill(self.mask[ids[0]], float("-inf"))
        a = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, Lq, D)
        x = x + self.lin(a, P + "cross_attn.out_proj")
        f = self.lin(F.gelu(self.lin(self.ln(x, P + "norm2"), P + "linear1")), P + "linear2")
        return x + f

    def value(self, x, p):
        v = self.lin(F.relu(self.lin(x.unsqueeze(-1).clamp(max=512), p + ".linear1")), p + ".linear2")
        return self.ln(v, p + ".norm")

    def diff_block(self, y, x, c, p, depth, cross):
        m = self.lin(F.silu(c), p + ".adaLN_modulation.1").unsqueeze(1).chunk(6, -1)
        ln = lambda t: F.layer_norm(t, (self.D,), eps=1e-6)
        ym = ln(y) * (1 + m[1]) + m[0]
        A = p + ".attn."
        B, T, D = y.shape
        hd = lambda t: t.view(B, T, self.H, self.h).transpose(1, 2)
        q1 = hd(self.lin(ym, A + "q_proj_1", False))
        q2 = hd(self.lin(ym if cross else x, A + "q_proj_2", False))
        k1 = hd(self.lin(x if cross else ym, A + "k_proj_1", False))
        k2 = hd(self.lin(x, A + "k_proj_2", False))
        v = hd(self.lin(ym, A + "v_proj", False))
        sc = 1 / math.sqrt(self.h)
        a1 = (q1 @ k1.transpose(-1, -2) * sc).softmax(-1)
        a2 = (q2 @ k2.transpose(-1, -2) * sc).softmax(-1)
        W = self.W
        li = 0.8 - 0.6 * math.exp(-0.3 * depth)
        lam = torch.exp((W[A + "lambda_q1"] * W[A + "lambda_k1"]).sum()) - torch.exp(
            (W[A + "lambda_q2"] * W[A + "lambda_k2"]).sum()) + li
        o = (a1 - lam * a2) @ v
        o = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + 1e-5) * W[A + "subln.weight"] * (1 - li)
        o = self.lin(o.transpose(1, 2).reshape(B, T, D), A + "out_proj", False)
        y = y + m[2] * o
        hm = ln(y) * (1 + m[4]) + m[3]
        hm = self.lin(F.gelu(self.lin(hm, p + ".mlp.fc1"), approximate="tanh"), p + ".mlp.fc2")
        return y + m[5] * hm

    def forward(self, gene_id, x_t, t, control, pert):
        W = self.W
        ge = self.encoder(gene_id)
        v1 = self.value(x_t, "value_encoder_1") + ge
        v2 = self.value(control, "value_encoder_2") + ge
        h = self.ln(self.lin(F.gelu(self.lin(torch.cat([v1, v2], -1), "fusion_layer.0")), "fusion_layer.2"),
                    "fusion_layer.3")
        t = t.reshape(-1).expand(x_t.shape[0]) if t.dim() == 0 else t
        half = W["t_embedder.mlp.0.weight"].shape[1] // 2
        fr = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None].float() * fr[None]
        c = self.lin(F.silu(self.lin(torch.cat([torch.cos(args), torch.sin(args)], -1), "t_embedder.mlp.0")),
                     "t_embedder.mlp.2")
        p = self.encoder(pert).mean(1)
        pe = p.unsqueeze(1).expand(-1, h.shape[1], -1)
        for i in range(self.L):
            s, g, sc = self.lin(F.silu(ge), f"gene_adaLN.{i}.adaLN_modulation.1").chunk(3, -1)
            h = h + g * (self.ln(h, f"gene_adaLN.{i}.norm") * sc + s)
            h = F.leaky_relu(self.lin(torch.cat([h, pe], -1), f"adapter_layer.{i}.0"))
            h = F.leaky_relu(self.lin(h, f"adapter_layer.{i}.3"))
            h = self.diff_block(h, h, c, f"blocks.{i}.diff_self_attn", i, True)
            h = self.diff_block(h, v2, c, f"blocks.{i}.diff_cross_attn", i, False)
        x = F.leaky_relu(self.lin(torch.cat([h, pe], -1), "final_layer.fc.0"))
        x = F.leaky_relu(self.lin(x, "final_layer.fc.2"))
        return self.lin(x, "final_layer.fc.4").squeeze(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--cells", type=int, default=16)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--train-steps", type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    W = load(a.case + "/weights.safetensors")
    fw = load(a.case + "/forward.safetensors")
    S = load(a.case + "/sample.safetensors")
    net = Net(W, fw["graph_mask"])
    with torch.inference_mode():
        out = net.forward(fw["gene_id"], fw["x_t"], fw["t"], fw["control"], fw["perturbation_id"])
        err = (out - fw["output"]).abs().max().item()
        print(f"reference check vs forward.safetensors: max|err| {err:.3g}")
        n, T = a.cells, S["control"].shape[1]
        ctrl = S["control"][torch.arange(n) % S["control"].shape[0]]
        g = S["gene_id"][:1].expand(n, -1)
        p = S["perturbation_id"][:1].expand(n, -1)
        x = torch.randn(n, T)
        net.forward(g, x, torch.tensor(0.5), ctrl, p)
        t0, c0 = time.perf_counter(), time.process_time()
        reps = 3
        for _ in range(reps):
            net.forward(g, x, torch.tensor(0.5), ctrl, p)
        per, per_cpu = (time.perf_counter() - t0) / reps, (time.process_time() - c0) / reps
        grid = torch.linspace(0, 1, a.points)
        t0, c0 = time.perf_counter(), time.process_time()
        y = x
        for k in range(a.points - 1):  # torchdiffeq rk4 (3/8 rule)
            t0_, t1 = grid[k], grid[k + 1]
            dt = t1 - t0_
            f = lambda t, yy: net.forward(g, yy, t, ctrl, p)
            k1 = f(t0_, y)
            k2 = f(t0_ + dt / 3, y + dt * k1 / 3)
            k3 = f(t0_ + dt * 2 / 3, y + dt * (k2 - k1 / 3))
            k4 = f(t1, y + dt * (k1 - k2 + k3))
            y = y + (k1 + 3 * (k2 + k3) + k4) * dt * 0.125
        gen, gen_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"pytorch reference, {n} cells, {torch.get_num_threads()} threads: {per:.4f} s/eval (cpu {per_cpu:.4f}), "
          f"generation ({4 * (a.points - 1)} NFE) {gen:.3f} s (cpu {gen_cpu:.3f}), {n / gen:.2f} cells/s, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if a.train_steps > 0:
        train(net, S, a.train_steps)


def train(net, S, steps, B=48):
    params = [w.requires_grad_() for w in net.W.values() if w.is_floating_point()]
    opt = torch.optim.Adam(params, lr=5e-5)
    T = S["control"].shape[1]
    src = S["control"][torch.arange(B) % S["control"].shape[0]]
    tgt = (src + 0.3 * torch.randn_like(src)).clamp(min=0)
    g = S["gene_id"][:1].expand(B, -1)
    p = S["perturbation_id"][:1].expand(B, -1)
    total = 0.0
    for s in range(steps + 1):  # step 0 is warm-up
        t0 = time.perf_counter()
        opt.zero_grad()
        noise, t = torch.randn(B, T), torch.rand(B)
        x_t = (1 - t[:, None]) * noise + t[:, None] * tgt
        loss = F.mse_loss(net.forward(g, x_t, t, src, p), tgt)
        loss.backward()
        opt.step()
        if s > 0:
            total += time.perf_counter() - t0
    print(f"pytorch reference training step (batch {B}, forward+loss+backward+Adam): {total / steps:.3f} s/step, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
