#!/usr/bin/env python3
"""Makes the legacy PyTorch profiler traces under test/fixtures/traces/pytorch-legacy/.

Run it with a PyTorch built without Kineto (Debian's python3-torch 1.13: `apt-get install python3-torch`, then
`/usr/bin/python3 scripts/make-torch-traces.py [OUT_DIR]`). Such a build's `export_chrome_trace` falls back to the
autograd profiler's exporter, which writes a bare JSON array of `ph: "X"` events with `pid: "CPU functions"`, no
`cat`, no metadata, and names written without escaping. Each trace is gzipped; the tests read the committed files,
so `npm test` never needs torch.

The traces:
- input_bound.json.gz: a Dataset that sleeps in __getitem__, num_workers=0, a tiny MLP (the data loader takes most
  of every step);
- input_bound_workers.json.gz: the same Dataset with num_workers=2;
- compute_bound.json.gz: bigger matmuls, data already in memory;
- quoted_label.json: a record_function label with a `"` in it, which the exporter writes unescaped (invalid JSON).

And, in ../pytorch-ddp-gloo/, a real `tensorboard_trace_handler` folder: two processes (torch.distributed, Gloo,
world size 2, DDP) each profiled for two cycles, `rank<N>.<time>.pt.trace.json.gz` per rank and cycle. Rank 1's
Dataset sleeps per sample (rank 0's does not), so rank 1 is slow to load its data and rank 0 waits for it in the
all-reduce. Without Kineto the traces carry no distributedInfo: the rank is in the worker name.
"""

import gzip
import os
import shutil
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.profiler import ProfilerActivity, profile, record_function, schedule, tensorboard_trace_handler
from torch.utils.data import DataLoader, Dataset

OUT = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else os.path.join(os.path.dirname(__file__), "..", "test", "fixtures",
                                                            "traces", "pytorch-legacy")
STEPS = 6


class SlowDataset(Dataset):
    """Samples that take `delay` seconds each to prepare, as slow decoding or augmentation would."""

    def __init__(self, size, features, delay):
        self.size, self.features, self.delay = size, features, delay

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        time.sleep(self.delay)
        g = torch.Generator().manual_seed(index)
        return torch.randn(self.features, generator=g), index % 10


class FastDataset(Dataset):
    """Samples already in memory."""

    def __init__(self, size, features):
        self.x = torch.randn(size, features)
        self.y = torch.randint(0, 10, (size,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return self.x[index], self.y[index]


def train(loader, model, path, label=None):
    """Trains under torch.profiler for wait=1, warmup=1, active=STEPS steps and exports the active ones."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def ready(prof):
        prof.export_chrome_trace(path)

    with profile(activities=[ProfilerActivity.CPU], schedule=schedule(wait=1, warmup=1, active=STEPS),
                 on_trace_ready=ready) as prof:
        for step, (x, y) in enumerate(loader):
            if step >= STEPS + 2:
                break
            if label is not None:
                with record_function(label):
                    loss = loss_fn(model(x), y)
            else:
                loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            prof.step()


def gzipped(path):
    with open(path, "rb") as src, gzip.open(path + ".gz", "wb", compresslevel=9) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(path)


DDP_OUT = os.path.join(OUT, "..", "pytorch-ddp-gloo")
DDP_STEPS = 3
DDP_CYCLES = 2


def ddp_worker(rank, world_size, port):
    """One rank of a 2-process Gloo DDP job, profiled for DDP_CYCLES cycles by tensorboard_trace_handler."""
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = DDP(nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    # Rank 1 prepares each sample slowly: the imbalance a straggler shows.
    data = SlowDataset(size=1024, features=64, delay=0.001 if rank == 1 else 0.0)
    loader = DataLoader(data, batch_size=16, num_workers=0)
    handler = tensorboard_trace_handler(DDP_OUT, worker_name="rank%d" % rank, use_gzip=True)
    active = schedule(wait=1, warmup=1, active=DDP_STEPS, repeat=DDP_CYCLES)
    with profile(activities=[ProfilerActivity.CPU], schedule=active, on_trace_ready=handler) as prof:
        for step, (x, y) in enumerate(loader):
            if step >= (DDP_STEPS + 2) * DDP_CYCLES + 1:
                break
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            prof.step()
    dist.destroy_process_group()


def make_ddp_folder():
    if os.path.isdir(DDP_OUT):
        shutil.rmtree(DDP_OUT)
    os.makedirs(DDP_OUT)
    mp.spawn(ddp_worker, args=(2, 29511), nprocs=2, join=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--ddp-only" in sys.argv:
        make_ddp_folder()
        return
    torch.manual_seed(0)
    torch.set_num_threads(2)
    print("torch", torch.__version__, "kineto available:", torch.autograd.kineto_available())

    def tiny():
        return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))

    slow = SlowDataset(size=512, features=32, delay=0.002)
    path = os.path.join(OUT, "input_bound.json")
    train(DataLoader(slow, batch_size=16, num_workers=0), tiny(), path)
    gzipped(path)

    path = os.path.join(OUT, "input_bound_workers.json")
    train(DataLoader(slow, batch_size=16, num_workers=2), tiny(), path)
    gzipped(path)

    big = nn.Sequential(nn.Linear(1024, 2048), nn.ReLU(), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 10))
    path = os.path.join(OUT, "compute_bound.json")
    train(DataLoader(FastDataset(size=2048, features=1024), batch_size=256), big, path)
    gzipped(path)

    # The exporter writes names without escaping: this label makes the file invalid JSON. Kept uncompressed so the
    # broken quote can be seen in the file.
    path = os.path.join(OUT, "quoted_label.json")
    train(DataLoader(FastDataset(size=256, features=32), batch_size=16), tiny(), path, label='forward "main"')

    make_ddp_folder()


if __name__ == "__main__":
    main()
