#!/usr/bin/env python3
"""The python-feedgen peer for bench/run: reads the same Jekyll-style site that
`crier build --site` reads (_config.yml and _posts/*.md with YAML front matter), renders
each body with the PyPI `markdown` library (fenced code, tables) and writes an Atom and an
RSS 2.0 feed, each with every post's full content, through python-feedgen.

    bench/peers/feedgen_build.py SITE OUTDIR     # writes OUTDIR/atom.xml and OUTDIR/rss.xml

Needs: pip install feedgen markdown pyyaml
"""
import datetime as dt
import os
import sys

import markdown
import yaml
from feedgen.feed import FeedGenerator

try:
    Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    Loader = yaml.SafeLoader


def read_post(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("---"):
        raise SystemExit(f"{path}: no front matter")
    end = text.index("\n---", 3)
    front = yaml.load(text[3:end], Loader=Loader) or {}
    body = text[text.index("\n", end + 4) + 1:]
    return front, body


def as_list(value):
    if value is None:
        return []
    return value.split() if isinstance(value, str) else list(value)


def parse_date(value):
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S %z")


def main():
    site, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(site, "_config.yml"), encoding="utf-8") as f:
        config = yaml.load(f, Loader=Loader)
    base = config["url"].rstrip("/") + config.get("baseurl", "")

    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(base + "/")
    fg.title(config["title"])
    fg.subtitle(config.get("description", config["title"]))
    fg.description(config.get("description", config["title"]))
    fg.author(name=config.get("author", "Unknown"))
    fg.link(href=base + "/", rel="alternate")
    fg.link(href=base + "/feed.xml", rel="self")
    fg.language(config.get("lang", "en"))

    md = markdown.Markdown(extensions=["fenced_code", "tables"], output_format="html")
    folder = os.path.join(site, "_posts")
    posts = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith((".md", ".markdown")):
            continue
        front, body = read_post(os.path.join(folder, name))
        date = parse_date(front["date"])
        slug = name[11:].rsplit(".", 1)[0]
        url = f"{base}/{date:%Y/%m/%d}/{slug}/"
        html = md.reset().convert(body)
        posts.append((date, name, front, url, html))
    posts.sort(key=lambda p: (p[0], p[1]))

    for date, name, front, url, html in posts:  # add_entry prepends: newest ends up first
        fe = fg.add_entry()
        fe.id(url)
        fe.title(front["title"])
        fe.link(href=url)
        fe.published(date)
        fe.updated(date)
        fe.author(name=front.get("author", config.get("author")))
        for term in as_list(front.get("categories")) + as_list(front.get("tags")):
            fe.category(term=str(term))
        fe.content(html, type="html")
        fe.summary(front["title"])  # Atom summary and RSS description; full text in content
    fg.updated(posts[-1][0] if posts else dt.datetime.now(dt.timezone.utc))

    os.makedirs(out, exist_ok=True)
    fg.atom_file(os.path.join(out, "atom.xml"))
    fg.rss_file(os.path.join(out, "rss.xml"))


if __name__ == "__main__":
    main()
