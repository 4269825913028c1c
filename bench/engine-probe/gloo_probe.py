"""The PyTorch side of GlooProbe.java: N processes, torch.distributed over Gloo (file:// rendezvous, 127.0.0.1),
time all-reduces of WRN-28-2's 1,596,216 fp32 gradients (6.4 MB), best of 5 rounds of 10.

    /usr/bin/python3 bench/engine-probe/gloo_probe.py 2
"""
import os
import sys
import tempfile
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def rank_main(rank, world, store):
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method="file://" + store, rank=rank, world_size=world)
    x = torch.ones(1_596_216)
    for _ in range(3):
        dist.all_reduce(x)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(10):
            dist.all_reduce(x)
        best = min(best, (time.perf_counter() - t0) / 10)
    if rank == 0:
        print("pytorch %s gloo, %d ranks: 6.4 MB all-reduce %.1f ms (%.0f MB/s of gradients)"
              % (torch.__version__, world, best * 1e3, 6.384864 / best))
    dist.destroy_process_group()


if __name__ == "__main__":
    world = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    mp.spawn(rank_main, args=(world, os.path.join(tempfile.mkdtemp(), "store")), nprocs=world, join=True)
