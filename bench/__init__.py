"""Benchmarks: what autopilot costs over hand-written Playwright, and what it saves the mediator.

    .venv/bin/python -m bench                 # 2½ to 5 minutes (the load); writes bench/RESULTS.md
    .venv/bin/python -m bench --smoke --out /tmp/bench.md   # one run of each, for CI (tests/test_bench.py)
    .venv/bin/python -m bench --only overhead,memory        # some measurements only

Everything runs headless (but the console, visible when there is a display, as the mediator sees it)
against the sandbox (`autopilot sandbox`, started in its own process
on a free port). The machine is shared and noisy, so no absolute time is a verdict: every
timing is a ratio of two sides measured side by side, interleaved, in the same run.

1. `overhead`   — the passport pré-demande (login included) through the engine vs `handwritten.py`,
                   and the protocol messages each side sends to Playwright's driver;
   `whole`      — the same démarche as a whole process: `autopilot run … --headless --approve-all`
                   vs `python -m bench.whole` (Playwright + `handwritten.py` in one process);
2. `startup`    — fresh process to the first step ready for approval vs a raw Playwright launch;
3. `validation` — `parse_flow` on 1,000 generated flows, time per flow and its growth with size;
4. `workload`   — what each démarche of the library asks of the mediator, by hand and with autopilot
                   (its data in `samples.yaml`, the person at its manual steps in `person.py`; a smoke
                   run measures 4 démarches only, `workload.SMOKE`);
5. `memory`     — peak RSS of the driving Python process, browser apart, in the start-up's first
                   processes, which go on to the end of the pré-demande.
6. `console`    — `autopilot console` driven as the mediator (attached to its window): from « L'usager
                   donne son accord » to the first step ready, without and with the login, and from
                   « Arrêter la démarche » back to the console, against the same page loads by hand.
"""
