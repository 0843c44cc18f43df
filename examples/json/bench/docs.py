"""The benchmark documents, generated deterministically (a seeded `random.Random`), about 1 MB
of JSON each:

* `unicode_nested`: a social feed: users with names and bios in many scripts, posts with text,
  emoji, tags, nested comments and replies, metadata (ids, timestamps, flags, nulls, counts);
* `numbers`: number-heavy arrays, GeoJSON-like: features with polygons of [lon, lat] floats,
  integer series and a few properties;
* `small_objects`: many small flat records (`id`, `name`, `active`, `score`, `tags`), as an
  API listing or a log would hold.

`python docs.py` prints their sizes.
"""

from __future__ import annotations

import random

SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzéèêàçñöüßø",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "cjk": "日本語中文漢字東京北京上海大阪京都人山川水火木金土月",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "devanagari": "अआइईउऊएऐओऔकखगघचछजझटठडढतथदधनपफबभमयरलवशसह",
}
EMOJI = "😀😂🥰😎🤔👍🎉🔥✨🚀🌍🍕☕❤️"


def _word(rnd: random.Random, alphabet: str) -> str:
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(2, 9)))


def _text(rnd: random.Random, words: int) -> str:
    script = SCRIPTS[rnd.choice(list(SCRIPTS))]
    parts = [_word(rnd, script) for _ in range(words)]
    if rnd.random() < 0.5:
        parts.insert(rnd.randrange(len(parts) + 1), rnd.choice(EMOJI))
    if rnd.random() < 0.3:
        parts.append("https://example.org/p/%d" % rnd.randrange(10**6))
    return " ".join(parts)


def unicode_nested(seed: int = 1) -> dict:
    rnd = random.Random(seed)
    users = []
    for uid in range(60):
        users.append(
            {
                "id": 10**15 + uid,
                "name": _text(rnd, 2),
                "handle": "user_%d" % uid,
                "bio": _text(rnd, rnd.randint(3, 12)),
                "verified": rnd.random() < 0.2,
                "followers": rnd.randrange(10**7),
                "location": None if rnd.random() < 0.3 else _text(rnd, 2),
            }
        )
    posts = []
    for pid in range(700):
        comments = []
        for cid in range(rnd.randint(0, 4)):
            comments.append(
                {
                    "id": pid * 100 + cid,
                    "author": rnd.randrange(60),
                    "text": _text(rnd, rnd.randint(2, 15)),
                    "likes": rnd.randrange(500),
                    "replies": [
                        {"author": rnd.randrange(60), "text": _text(rnd, rnd.randint(1, 8))}
                        for _ in range(rnd.randint(0, 2))
                    ],
                }
            )
        posts.append(
            {
                "id": pid,
                "author": rnd.randrange(60),
                "created_at": "2024-%02d-%02dT%02d:%02d:%02dZ"
                % (rnd.randint(1, 12), rnd.randint(1, 28), rnd.randrange(24), rnd.randrange(60), rnd.randrange(60)),
                "text": _text(rnd, rnd.randint(5, 30)),
                "lang": rnd.choice(["en", "fr", "el", "ru", "ja", "ar", "hi"]),
                "tags": [_word(rnd, SCRIPTS["latin"]) for _ in range(rnd.randint(0, 4))],
                "stats": {"likes": rnd.randrange(10**5), "shares": rnd.randrange(10**4), "ratio": round(rnd.random(), 4)},
                "sensitive": rnd.random() < 0.05,
                "reply_to": None if rnd.random() < 0.7 else rnd.randrange(pid + 1),
                "comments": comments,
            }
        )
    return {"version": 3, "generated": "2024-06-01T00:00:00Z", "users": users, "posts": posts}


def numbers(seed: int = 2) -> dict:
    rnd = random.Random(seed)
    features = []
    for fid in range(200):
        ring = []
        lon, lat = rnd.uniform(-180, 180), rnd.uniform(-80, 80)
        for _ in range(rnd.randint(80, 200)):
            lon += rnd.uniform(-0.01, 0.01)
            lat += rnd.uniform(-0.01, 0.01)
            ring.append([round(lon, 6), round(lat, 6)])
        features.append(
            {
                "type": "Feature",
                "id": fid,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "population": rnd.randrange(10**7),
                    "area": rnd.uniform(1, 1e5),
                    "density": rnd.random() * 1e3,
                    "series": [rnd.randrange(-(10**6), 10**6) for _ in range(50)],
                    "measurements": [rnd.gauss(0, 1e3) for _ in range(40)],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def small_objects(seed: int = 3) -> list:
    rnd = random.Random(seed)
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    tags = ["new", "hot", "sale", "archived", "draft", "review", "urgent", "low"]
    return [
        {
            "id": i,
            "name": "%s-%d" % (rnd.choice(names), i),
            "active": rnd.random() < 0.5,
            "score": round(rnd.random() * 100, 3),
            "tags": rnd.sample(tags, rnd.randint(0, 3)),
            "owner": None if rnd.random() < 0.2 else rnd.randrange(1000),
        }
        for i in range(10000)
    ]


DOCUMENTS = {
    "unicode_nested": unicode_nested,
    "numbers": numbers,
    "small_objects": small_objects,
}


if __name__ == "__main__":
    import json

    for name, make in DOCUMENTS.items():
        doc = make()
        print(f"{name}: {len(json.dumps(doc)):,} bytes (ensure_ascii), "
              f"{len(json.dumps(doc, ensure_ascii=False).encode()):,} bytes (UTF-8)")
