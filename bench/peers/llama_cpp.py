"""llama.cpp (PyPI `llama-cpp-python`) as the peer of the in-process GGUF translation engine.

Translates non-English labelled dev messages into English with a GGUF instruct model, greedy,
on a fixed number of threads, and prints for BENCHMARKS.md:
  - prompt and generation speed in tokens per second, per message and overall, from llama.cpp's
    own performance counters (`llama_perf_context`: time inside the engine, no Python overhead);
  - chrF (sacrebleu) of the translations against the messages' `en` references;
  - the share of labelled entities (order ids, tracking numbers, emails, urls, amounts) that the
    translation keeps byte for byte.
The model's own chat template (GGUF metadata) formats the prompt, so any GGUF instruct model works.

Setup (llama.cpp's AMX code path crashes on some machines: build for AVX2, without native,
AVX-512 or AMX code; about 20 min on 2 busy cores):

    python3 -m venv /tmp/peers
    CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \\
        -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \\
        -DGGML_OPENMP=OFF -DLLAVA_BUILD=OFF" /tmp/peers/bin/pip install llama-cpp-python==0.3.36 sacrebleu
    ./scripts/fetch-llm
    /tmp/peers/bin/python bench/peers/llama_cpp.py ../shared/data/messages.dev.jsonl
"""

import argparse
import json
import os
import sys
from pathlib import Path

# This file is named after the package it measures: drop its own directory from the import path
# so `import llama_cpp` finds the package, not this script.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import llama_cpp  # noqa: E402
import sacrebleu  # noqa: E402
from llama_cpp.llama_chat_format import Jinja2ChatFormatter  # noqa: E402

SYSTEM = (
    "Translate the buyer's message into English. Keep order numbers, tracking numbers, email "
    "addresses, URLs, amounts and product codes exactly as written. Reply with the translation only."
)
ENTITY_KINDS = ("order_ids", "tracking_numbers", "emails", "urls", "amounts")


def default_model():
    models = os.environ.get("DRAGOMAN_MODELS") or Path(__file__).resolve().parents[2] / "models"
    return Path(models) / "qwen2.5-coder-1.5b-instruct" / "model.gguf"


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pick(rows, per_language):
    """The first `per_language` non-English messages of each language, in file order."""
    taken = {}
    chosen = []
    for row in rows:
        if row["lang"] != "en" and taken.get(row["lang"], 0) < per_language:
            taken[row["lang"]] = taken.get(row["lang"], 0) + 1
            chosen.append(row)
    return chosen


class Translator:
    def __init__(self, model, threads, max_tokens):
        self.llm = llama_cpp.Llama(
            model_path=str(model),
            n_ctx=2048,
            n_threads=threads,
            n_threads_batch=threads,
            seed=0,
            verbose=False,
        )
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            sys.exit(f"{model} has no tokenizer.chat_template in its metadata: not an instruct model?")
        vocab = self.llm._model
        self.format = Jinja2ChatFormatter(
            template,
            eos_token=vocab.token_get_text(vocab.token_eos()),
            bos_token=vocab.token_get_text(vocab.token_bos()) if vocab.token_bos() >= 0 else "",
        )
        self.max_tokens = max_tokens

    def translate(self, text):
        """Returns the translation and llama.cpp's counters for this message alone."""
        prompt = self.format(
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
        ).prompt
        tokens = self.llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        self.llm.reset()
        llama_cpp.llama_perf_context_reset(self.llm.ctx)
        self.llm.eval(tokens)
        out = []
        for _ in range(self.max_tokens):
            token = self.llm.sample(temp=0.0, repeat_penalty=1.0)
            if llama_cpp.llama_vocab_is_eog(self.llm._model.vocab, token):
                break
            out.append(token)
            self.llm.eval([token])
        perf = llama_cpp.llama_perf_context(self.llm.ctx)
        text = self.llm.detokenize(out, prev_tokens=tokens).decode("utf-8", errors="replace").strip()
        return text, perf


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("messages", help="labelled messages (JSON lines), e.g. ../shared/data/messages.dev.jsonl")
    parser.add_argument("--model", default=str(default_model()), help="GGUF instruct model (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--per-language", type=int, default=2, help="messages per non-English language")
    parser.add_argument("--max-tokens", type=int, default=256, help="generation limit per message")
    parser.add_argument("--show", action="store_true", help="print each translation")
    args = parser.parse_args()

    if not Path(args.model).is_file():
        sys.exit(f"{args.model} not found: run ./scripts/fetch-llm, or pass --model")
    rows = pick(load(args.messages), args.per_language)
    translator = Translator(args.model, args.threads, args.max_tokens)
    translator.translate("Hallo")  # page the weights in and warm the caches outside the measurements

    print(f"llama-cpp-python {llama_cpp.__version__}, {Path(args.model).name}, {args.threads} threads, greedy, "
          f"max {args.max_tokens} tokens")
    print(f"{'id':<6}{'lang':<6}{'prompt tok':>11}{'prompt tok/s':>14}{'gen tok':>9}{'gen tok/s':>11}")
    hypotheses, references = [], []
    kept = total = 0
    sums = {"n_p_eval": 0, "t_p_eval_ms": 0.0, "n_eval": 0, "t_eval_ms": 0.0}
    for row in rows:
        english, perf = translator.translate(row["text"])
        for field in sums:
            sums[field] += getattr(perf, field)
        print(f"{row['id']:<6}{row['lang']:<6}{perf.n_p_eval:>11}{perf.n_p_eval / perf.t_p_eval_ms * 1e3:>14.1f}"
              f"{perf.n_eval:>9}{perf.n_eval / perf.t_eval_ms * 1e3 if perf.n_eval else 0:>11.1f}")
        if args.show:
            print(f"      {english!r}")
        hypotheses.append(english)
        references.append(row["en"])
        entities = [value for kind in ENTITY_KINDS for value in row["entities"].get(kind, [])]
        total += len(entities)
        kept += sum(value in english for value in entities)
    print(f"{'all':<12}{sums['n_p_eval']:>11}{sums['n_p_eval'] / sums['t_p_eval_ms'] * 1e3:>14.1f}"
          f"{sums['n_eval']:>9}{sums['n_eval'] / sums['t_eval_ms'] * 1e3:>11.1f}")
    chrf = sacrebleu.corpus_chrf(hypotheses, [references])
    print(f"chrF X->en ({len(rows)} messages, {len({r['lang'] for r in rows})} languages): {chrf.score:.1f}")
    print(f"entities kept byte for byte: {kept}/{total} ({kept / total if total else 0:.3f})")


if __name__ == "__main__":
    main()
