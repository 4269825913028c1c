#!/usr/bin/env python3
"""A PyTorch user's training script over a lowres dataset, for the side-by-side timing of `lowres train`.

What a PyTorch user writes to train lowres's Wide ResNet (the same network as torch_train.py, imported from
lowres-data's resources) on a dataset directory that `lowres build` made: a Dataset over the memory-mapped
npy shards, a DataLoader (shuffle, batch B, drop the last partial batch, --workers worker processes),
augmentation as lowres's `paper` recipe (4 px zero padding + random 32x32 crop, random horizontal flip) and
per-channel normalisation by the split's mean and std from manifest.json (with --randaugment, torchvision's
RandAugment(num_ops=2, magnitude=9) on the uint8 image first, as lowres's `paper, randaugment(n=2, m=9)`;
needs python3-torchvision), SGD (lr 0.1, momentum 0.9,
weight decay 5e-4), bf16 autocast and channels-last with --bf16 / --channels-last, one pass over the val
split in eval mode at the end of each epoch (top-1 printed). Times the whole script from its start.
With --nproc N it is PyTorch's DistributedDataParallel over Gloo in N processes on this machine (spawned,
rendezvous through a file, each with --threads threads, a DistributedSampler, batch B/N per rank, the val
split sharded and its correct count all-reduced), as a PyTorch user scales out on one machine.

    /usr/bin/python3 bench/torch_train_epoch.py --data /tmp/ds32 --epochs 1 --bf16 --channels-last --workers 0
    /usr/bin/python3 bench/torch_train_epoch.py --data /tmp/ds32 --epochs 1 --bf16 --channels-last --nproc 2 --threads 1

Prints one JSON object: {"tool": "pytorch-train-epochs", "seconds": wall from start, "train_seconds": ...,
"train_images_per_second": ..., "val_top1": ..., "workers": W, ...}. Needs python3-torch and python3-numpy.
"""
import argparse
import json
import os
import sys
import time

START = time.perf_counter()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lowres-data", "src", "main",
                                "resources", "dev", "lowres", "data", "bench"))
import torch_train  # noqa: E402


class Split(torch.utils.data.Dataset):
    def __init__(self, root, manifest, name, train, randaugment=False):
        split = manifest["splits"][name]
        self.images = [np.load(os.path.join(root, s["images"]), mmap_mode="r") for s in split["shards"]]
        self.labels = [np.load(os.path.join(root, s["labels"])) for s in split["shards"]]
        self.index = [(k, i) for k, s in enumerate(self.labels) for i in range(len(s))]
        self.mean = torch.tensor(split["mean"], dtype=torch.float32).view(3, 1, 1)
        self.std = torch.tensor(split["std"], dtype=torch.float32).view(3, 1, 1)
        self.train = train
        self.randaugment = None
        if train and randaugment:
            from torchvision.transforms import RandAugment
            self.randaugment = RandAugment(num_ops=2, magnitude=9)

    def __len__(self):
        return len(self.index)

    def __getitem__(self, n):
        k, i = self.index[n]
        x = torch.from_numpy(np.array(self.images[k][i]))
        if self.randaugment is not None:
            x = self.randaugment(x)
        x = x.float()
        if self.train:
            size = x.shape[-1]
            x = F.pad(x, (4, 4, 4, 4))
            top, left = np.random.randint(0, 9, size=2)
            x = x[:, top:top + size, left:left + size]
            if np.random.rand() < 0.5:
                x = x.flip(-1)
        return (x - self.mean) / self.std, int(self.labels[k][i])


def train(a, rank=0, world=1, store=None):
    """Trains as one process, or as rank `rank` of `world` (DDP over Gloo); returns rank 0's figures."""
    threads = a.threads or torch_train.default_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if world > 1:
        torch.distributed.init_process_group("gloo", init_method="file://" + store, rank=rank, world_size=world)
    manifest = json.load(open(os.path.join(a.data, "manifest.json")))
    train_split = Split(a.data, manifest, "train", True, a.randaugment)
    val = Split(a.data, manifest, "val", False) if "val" in manifest["splits"] else None
    sampler = torch.utils.data.distributed.DistributedSampler(train_split, world, rank, shuffle=True,
                                                              drop_last=True) if world > 1 else None
    loader = torch.utils.data.DataLoader(train_split, batch_size=a.batch // world, shuffle=sampler is None,
                                         sampler=sampler, drop_last=True, num_workers=a.workers,
                                         persistent_workers=a.workers > 0)
    size = manifest["image"]["height"]
    model = torch_train.create(a.model, size=size, classes=len(manifest["classes"]))
    memory = torch.channels_last if a.channels_last else torch.contiguous_format
    model = model.to(memory_format=memory)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    train_seconds = 0.0
    images = 0
    top1 = None
    for epoch in range(a.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        net.train()
        t0 = time.perf_counter()
        for x, y in loader:
            x = x.contiguous(memory_format=memory)
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            images += len(y) * world
        train_seconds += time.perf_counter() - t0
        if val is not None:
            net.eval()
            correct = torch.zeros(2, dtype=torch.float64)
            shard = torch.utils.data.Subset(val, range(rank, len(val), world))
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                for x, y in torch.utils.data.DataLoader(shard, batch_size=256, num_workers=a.workers):
                    correct[0] += (model(x.contiguous(memory_format=memory)).argmax(1) == y).sum().item()
                    correct[1] += len(y)
            if world > 1:
                torch.distributed.all_reduce(correct)
            top1 = (correct[0] / correct[1]).item()
    if world > 1:
        torch.distributed.destroy_process_group()
    return {"threads": threads, "train_images": images, "train_seconds": round(train_seconds, 3),
            "train_images_per_second": round(images / train_seconds, 1), "val_top1": top1}


def rank_main(rank, a, world, store, out):
    figures = train(a, rank, world, store)
    if rank == 0:
        with open(out, "w") as f:
            json.dump(figures, f)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--model", default="wrn-28-2")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--randaugment", action="store_true", help="torchvision's RandAugment(2, 9) before pad-crop and flip")
    p.add_argument("--nproc", type=int, default=1, help="DDP processes (Gloo) on this machine")
    a = p.parse_args()
    if a.nproc > 1:
        import tempfile
        import torch.multiprocessing as mp
        tmp = tempfile.mkdtemp(prefix="torch-ddp-")
        out = os.path.join(tmp, "figures.json")
        mp.spawn(rank_main, args=(a, a.nproc, os.path.join(tmp, "store"), out), nprocs=a.nproc, join=True)
        figures = json.load(open(out))
    else:
        figures = train(a)
    print(json.dumps({"tool": "pytorch-train-epochs", "torch_version": torch.__version__, "model": a.model,
                      "epochs": a.epochs, "batch_size": a.batch, "workers": a.workers, "nproc": a.nproc,
                      "precision": "bf16" if a.bf16 else "fp32", "channels_last": a.channels_last,
                      "augment": "paper, randaugment(n=2, m=9)" if a.randaugment else "paper", **figures,
                      "seconds": round(time.perf_counter() - START, 3)}))


if __name__ == "__main__":
    main()
