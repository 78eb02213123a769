#!/usr/bin/env python3
"""An M/M/c queue in SimPy, the other half of scripts/bench-simpy.sh: c servers, Poisson
arrivals at rate LAMBDA, exponential service at rate MU, N customers, one seed. Written the
way the SimPy documentation models a queue (a Resource, one process per customer).

    simpy_mmc.py [--customers N] [--servers C] [--arrival-rate L] [--service-rate M] [--seed S]

Prints one JSON line: customers, seconds (wall clock of the simulation run, setup excluded),
customers_per_s, mean_wait (s, all customers) and p_wait.
"""
import argparse
import json
import random
import time

import simpy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--servers", type=int, default=10)
    ap.add_argument("--arrival-rate", type=float, default=9.0)
    ap.add_argument("--service-rate", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=args.servers)
    stats = {"waited": 0, "wait_sum": 0.0, "done": 0}

    def customer(env):
        arrived = env.now
        with servers.request() as req:
            yield req
            wait = env.now - arrived
            stats["wait_sum"] += wait
            if wait > 0:
                stats["waited"] += 1
            yield env.timeout(rng.expovariate(args.service_rate))
        stats["done"] += 1

    def source(env):
        for _ in range(args.customers):
            yield env.timeout(rng.expovariate(args.arrival_rate))
            env.process(customer(env))

    env.process(source(env))
    start = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - start
    n = stats["done"]
    print(json.dumps({
        "customers": n,
        "seconds": round(seconds, 3),
        "customers_per_s": round(n / seconds),
        "mean_wait": stats["wait_sum"] / n,
        "p_wait": stats["waited"] / n,
    }))


if __name__ == "__main__":
    main()
