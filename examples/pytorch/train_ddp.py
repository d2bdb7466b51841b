"""Trains an rnnkit-exported model with DistributedDataParallel and saves it back.

    torchrun --standalone --nproc_per_node=2 train_ddp.py model.safetensors text.txt \
        --out trained.safetensors --steps 100

(Debian's torch 1.13 under Python 3.11 also needs `--redirects 1 --tee 1` before the script:
its default `--redirects 0` fails with "'NoneType' object has no attribute 'get'".)

Each process (gloo backend, CPU) trains on its own share of the text's windows; DDP averages
the gradients, so every process holds the same weights. Rank 0 writes the result (weights +
sidecar) for `rnnkit import`, and `--probe` ids with PyTorch's logits on them for comparison.
"""

import argparse
import json
import os
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from rnnkit_torch import load_rnnkit, logits_of, save_rnnkit


def encode(text, tokenizer):
    """Code points to ids with the rnnkit tokenizer's vocabulary (unknowns -> unk or error)."""
    ids = {token: i for i, token in enumerate(tokenizer["vocabulary"])}
    unk = 0 if tokenizer.get("unkToken") is not None else None
    missing = sorted({ch for ch in text if ch not in ids})
    if missing and unk is None:
        raise SystemExit(f"characters outside the vocabulary: {missing[:10]}")
    return torch.tensor([ids.get(ch, unk) for ch in text], dtype=torch.long)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("text")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--seq-length", type=int, default=16)
    p.add_argument("--batch", type=int, default=4, help="windows per process and step")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--probe", help="JSON with ids; rank 0 writes PyTorch's logits to <out>.probe.json")
    args = p.parse_args()

    # torchrun sets RANK, WORLD_SIZE, MASTER_ADDR/PORT; a lost peer fails in minutes, not hours.
    dist.init_process_group("gloo", timeout=timedelta(minutes=3))
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.set_num_threads(1)  # one core per process
    torch.manual_seed(args.seed + rank)

    model, sidecar = load_rnnkit(args.model)
    ddp = DistributedDataParallel(model)  # broadcasts rank 0's weights, all-reduces gradients
    optimizer = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    with open(args.text, encoding="utf-8") as f:
        ids = encode(f.read(), sidecar["tokenizer"])
    span = args.seq_length + 1
    starts = torch.arange(0, len(ids) - span + 1)[rank::world]  # this process's windows
    if len(starts) == 0:
        raise SystemExit(f"the text is too short for --seq-length {args.seq_length}")

    first = last = None
    for step in range(args.steps):
        pick = starts[torch.randint(len(starts), (args.batch,))]
        batch = torch.stack([ids[s : s + span] for s in pick.tolist()])
        logits, _ = ddp(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()  # DDP averages gradients across processes here
        torch.nn.utils.clip_grad_norm_(ddp.parameters(), 5.0)
        optimizer.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        mean = mean.item() / world
        first = mean if first is None else first
        last = mean
        if rank == 0 and (step % 20 == 0 or step == args.steps - 1):
            print(f"step {step} loss {mean:.4f}", flush=True)

    if rank == 0:
        save_rnnkit(model, sidecar, args.out)
        summary = {"world_size": world, "first_loss": first, "last_loss": last}
        if args.probe:
            with open(args.probe, encoding="utf-8") as f:
                probe_ids = json.load(f)["ids"]
            with open(args.out + ".probe.json", "w", encoding="utf-8") as f:
                json.dump({"ids": probe_ids, "logits": logits_of(model, probe_ids).tolist()}, f)
        print(json.dumps(summary), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
