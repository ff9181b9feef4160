"""Which index makes the queue's text search fast for Chinese: pg_trgm or bigrams?

Builds, in its own database (sd_bench_search by default, dropped and made again), a table
of 1,000,000 tickets whose subject and description are generated Chinese and English text,
then indexes it both ways and prints EXPLAIN ANALYZE execution times:

- trigram: GIN (gin_trgm_ops) on subject and on description, searched with ILIKE '%word%';
- bigram: GIN over search_bigrams(column), the array of the text's two-character pieces,
  searched with @> and rechecked with ILIKE (what the application runs).

Chinese words are mostly two characters (漏水, 退款), below a trigram's three, so pg_trgm
can extract nothing from them and reads its whole index; the bigram index can.

From the repo root:
    .venv/bin/python bench/search.py [--rows 1000000] [--database sd_bench_search]
Prints `name: value` lines (milliseconds, megabytes).
"""

import argparse
import os
import re
import subprocess
import time

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

CHINESE = [
    "洗衣机",
    "冰箱",
    "空调",
    "电视",
    "热水器",
    "漏水",
    "退款",
    "维修",
    "安装",
    "噪音",
    "不制冷",
    "显示屏",
    "遥控器",
    "售后",
    "投诉",
    "发票",
    "快递",
    "物流",
    "延迟",
    "破损",
    "更换",
    "配件",
    "师傅",
    "上门",
    "预约",
    "电话",
    "客服",
    "态度",
    "质量",
    "保修",
    "滚筒",
    "加热",
    "故障",
    "报错",
    "代码",
    "说明书",
    "订单",
    "付款",
    "优惠",
    "积分",
    "会员",
    "门店",
    "地址",
    "时间",
    "周末",
    "晚上",
]
ENGLISH = [
    "washer",
    "fridge",
    "heater",
    "leaks",
    "refund",
    "repair",
    "install",
    "noise",
    "display",
    "remote",
    "invoice",
    "delivery",
    "damaged",
    "replace",
    "parts",
    "engineer",
    "visit",
    "appointment",
    "warranty",
    "error",
    "order",
]

# Common characters from which most Chinese words are made up (10,000 two-character
# words); one word in 50 is from CHINESE, so a named word is in about 1 % of the tickets.
CHARACTERS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    "也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小"
)

SCHEMA = """
DROP TABLE IF EXISTS bench_ticket;
CREATE TABLE bench_ticket (id bigint PRIMARY KEY, subject text NOT NULL, description text NOT NULL);
CREATE OR REPLACE FUNCTION bench_word(seed bigint, words text[], chars text) RETURNS text
  IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN chars = '' THEN words[1 + (abs(hashint8(seed)) %% array_length(words, 1))]
              WHEN abs(hashint8(seed)) %% 50 = 0
              THEN words[1 + (abs(hashint8(seed + 1)) %% array_length(words, 1))]
              ELSE substr(chars, 1 + (abs(hashint8(seed + 2)) %% 84)::int, 1)
                || substr(chars, 1 + (abs(hashint8(seed + 3)) %% 84)::int, 1) END $$;
INSERT INTO bench_ticket
SELECT g,
  bench_word(g * 7, %(chinese)s, %(chars)s) || bench_word(g * 11, %(chinese)s, %(chars)s)
    || ' ' || bench_word(g * 13, %(english)s, ''),
  (SELECT string_agg(CASE WHEN i %% 4 = 0 THEN bench_word(g * 31 + i, %(english)s, '')
                          ELSE bench_word(g * 31 + i, %(chinese)s, %(chars)s) END, '')
     FROM generate_series(1, 14) i)
FROM generate_series(1, %(rows)s) g;
ANALYZE bench_ticket;
"""

TRIGRAM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX bench_subject_trgm ON bench_ticket USING gin (subject gin_trgm_ops);
CREATE INDEX bench_description_trgm ON bench_ticket USING gin (description gin_trgm_ops);
"""

# The same function and indexes as tickets/migrations (search_bigrams): plpgsql over the
# array of characters, since substr() on multibyte text walks from the start each time.
BIGRAM = r"""
CREATE OR REPLACE FUNCTION search_bigrams(t text) RETURNS text[]
  IMMUTABLE PARALLEL SAFE STRICT LANGUAGE plpgsql AS $$
DECLARE
  c text[] := regexp_split_to_array(regexp_replace(lower(t), '\s+', ' ', 'g'), '');
  pieces text[] := '{}';
BEGIN
  FOR i IN 1 .. cardinality(c) - 1 LOOP
    IF c[i] <> ' ' AND c[i + 1] <> ' ' THEN
      pieces := array_append(pieces, c[i] || c[i + 1]);
    END IF;
  END LOOP;
  RETURN pieces;
END $$;
CREATE INDEX bench_subject_bigram ON bench_ticket USING gin (search_bigrams(subject));
CREATE INDEX bench_description_bigram ON bench_ticket USING gin (search_bigrams(description));
"""


def psql(database: str, sql: str, *, variables: dict | None = None) -> str:
    if variables:
        sql = sql % variables
    done = subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def literal_array(words: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{word}'" for word in words) + "]"


def execution_ms(database: str, query: str) -> tuple[float, int]:
    """Best of three EXPLAIN ANALYZE runs (the first warms the cache), and the row count."""
    best, rows = float("inf"), 0
    for _attempt in range(3):
        plan = psql(database, f"EXPLAIN (ANALYZE, TIMING OFF) {query}")
        best = min(best, float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))
        rows = int(psql(database, f"SELECT count(*) FROM ({query}) found"))
    return best, rows


def trigram_query(words: list[str]) -> str:
    each = [f"(subject ILIKE '%{word}%' OR description ILIKE '%{word}%')" for word in words]
    return f"SELECT id FROM bench_ticket WHERE {' AND '.join(each)}"


def bigram_query(words: list[str]) -> str:
    # The bigram test only narrows (BitmapOr of both indexes); ILIKE decides. Repeating
    # the bigram test inside each OR branch made PostgreSQL recompute it per row.
    each = [
        f"(search_bigrams(subject) @> search_bigrams('{word}')"
        f" OR search_bigrams(description) @> search_bigrams('{word}'))"
        f" AND (subject ILIKE '%{word}%' OR description ILIKE '%{word}%')"
        for word in words
    ]
    return f"SELECT id FROM bench_ticket WHERE {' AND '.join(each)}"


SEARCHES = {
    "two_chinese_characters": ["漏水"],
    "three_chinese_characters": ["热水器"],
    "two_chinese_words": ["漏水", "师傅"],
    "english_word": ["warranty"],
    "chinese_and_english": ["退款", "invoice"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="sd_bench_search")
    options = parser.parse_args()
    database = options.database
    psql("postgres", f'DROP DATABASE IF EXISTS "{database}"')
    psql("postgres", f'CREATE DATABASE "{database}"')
    started = time.perf_counter()
    psql(
        database,
        SCHEMA,
        variables={
            "chinese": literal_array(CHINESE),
            "english": literal_array(ENGLISH),
            "chars": f"'{CHARACTERS}'",
            "rows": options.rows,
        },
    )
    print(f"search_rows: {options.rows}")
    print(f"search_seed_seconds: {time.perf_counter() - started:.1f}")
    for name, sql, indexes in (
        ("trigram", TRIGRAM, ("bench_subject_trgm", "bench_description_trgm")),
        ("bigram", BIGRAM, ("bench_subject_bigram", "bench_description_bigram")),
    ):
        started = time.perf_counter()
        psql(database, sql)
        print(f"{name}_index_build_seconds: {time.perf_counter() - started:.1f}")
        size = psql(
            database,
            "SELECT sum(pg_relation_size(c.oid)) FROM pg_class c WHERE relname IN ("
            + ",".join(f"'{index}'" for index in indexes)
            + ")",
        )
        print(f"{name}_index_megabytes: {int(size) / 1e6:.0f}")
    psql(database, "ANALYZE bench_ticket")
    for search, words in SEARCHES.items():
        for name, build in (("trigram", trigram_query), ("bigram", bigram_query)):
            milliseconds, rows = execution_ms(database, build(words))
            print(f"{name}_{search}_ms: {milliseconds:.1f}")
            print(f"{name}_{search}_rows: {rows}")


if __name__ == "__main__":
    main()
