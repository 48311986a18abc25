#!/usr/bin/env python3
"""Deterministic generator of N blog posts for the benchmark (bench/run).

    bench/generate_posts.py N OUTDIR [--seed 20261121]

Writes, under OUTDIR:
  jekyll/   _config.yml (jekyll-feed with posts_limit N) and _posts/YYYY-MM-DD-slug.md
            (YAML front matter: title, date with zone, tags, categories, author);
            the site that `crier build --site`, Jekyll and bench/peers/feedgen_build.py read.
  hugo/     hugo.toml, content/posts/*.md (the same posts, RFC 3339 dates) and an RSS
            template override that puts every post's full .Content in the feed.
  bodies.md the Markdown bodies alone, concatenated: the input of the cmark-gfm floor.
  manifest.json  N, seed, generator version, byte counts (OUTDIR is reused when it matches).

Bodies are 600 to 1,500 words of prose with headings, bullet and numbered lists, relative
and absolute links, inline code, fenced code blocks, images and a blockquote. The same
seed always gives byte-identical files. Only the standard library is used.
"""
import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys

VERSION = 5

WORDS = """
the of and to in is that for it as was with be by on not he this are or his from at which
but have an they you were her she there been one all we their has would when if so no will
can more other into its some time only could new these two may first then do any like my now
over such our man me even most made after also did many before must through back years where
much your way well down should because each just those people how too little state good very
make world still own see men work long get here between both life being under never day same
another know while last might us great old year off come since against go came right used take
three feed reader post build render markdown writer parser entry channel content summary author
category tag archive server cron cache digest hash window signal river garden harbor lantern
meadow orchard pepper quartz saddle timber velvet walnut yellow zephyr anchor bramble cobalt
delta ember falcon granite hollow indigo juniper kestrel linen marble nectar opal pebble quill
rustle silver thistle umber violet willow xenon yarrow zinnia latency throughput memory thread
buffer socket stream schema syntax token commit branch deploy release version module package
""".split()

TAGS = ("swift linux feeds rss atom markdown performance testing tooling release notes cron "
        "caching xml json unicode dates parsing design debugging profiling memory concurrency "
        "networking security accessibility writing reading search hosting backups editors "
        "typography photography travel cooking gardening music books science history").split()
CATEGORIES = ["engineering", "notes", "essays", "releases", "tutorials", "links", "reviews", "diary"]
AUTHORS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
           "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John Backus",
           "Radia Perlman", "Niklaus Wirth"]
ZONES = [0, 60, 120, -300, -480, 330, 540, -180]  # minutes east of UTC
LANGS = ["python", "swift", "sh", "ruby", "go", ""]

CODE_LINES = {
    "python": ["def render(post, options):", "    html = markdown(post.body)", "    return html.strip()",
               "for entry in feed.entries:", "    total += len(entry.content)", "print(total, 'bytes')",
               "items = sorted(posts, key=lambda p: p.date, reverse=True)", "import sys, os"],
    "swift": ["let posts = try loader.load(site)", "for post in posts where !post.draft {",
              "    writer.write(entry: post)", "}", "var count = 0", "count += post.words.count",
              "print(\"wrote \\(count) entries\")", "guard let date = post.date else { return }"],
    "sh": ["set -euo pipefail", "crier build --site . --output public", "ls -l public/feed.xml",
           "grep -c '<entry' public/feed.xml", "export TZ=UTC", "cd \"$HOME/blog\" && make"],
    "ruby": ["posts.each do |post|", "  puts post.title", "end", "total = posts.sum(&:size)",
             "require 'time'", "site.config['url']"],
    "go": ["func main() {", "\tfmt.Println(\"hello\")", "}", "for i := 0; i < n; i++ {",
           "\ttotal += sizes[i]", "if err != nil { log.Fatal(err) }"],
    "": ["$ crier validate public/feed.xml", "public/feed.xml: valid Atom 1.0", "0 errors, 0 warnings",
         "real    0m0.210s"],
}


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    out = []
    for w in words:
        r = rng.random()
        if r < 0.02:
            w = f"*{w}*"
        elif r < 0.03:
            w = f"**{w}**"
        elif r < 0.04:
            w = f"`{w}()`"
        out.append(w)
    out[0] = out[0][:1].upper() + out[0][1:] if out[0][0].isalpha() else out[0]
    return " ".join(out) + rng.choice([".", ".", ".", "?", "!", ";", ":"]).replace(";", ".").replace(":", ".")


class Post:
    __slots__ = ("index", "title", "slug", "utc", "zone", "tags", "categories", "author", "body")


def make_link(rng, posts, i):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    kind = rng.random()
    if kind < 0.35 and i > 0:
        other = posts[rng.randrange(i)]
        local = other.utc + dt.timedelta(minutes=other.zone)
        return f"[{text}](/{local:%Y/%m/%d}/{other.slug}/)"
    if kind < 0.5:
        return f"[{text}](../{rng.choice(WORDS)}/)"
    if kind < 0.6:
        return f"[{text}](about/#{rng.choice(WORDS)})"
    host = rng.choice(["example.com", "docs.example.net", "www.example.org", "blog.example.io"])
    q = f"?q={rng.choice(WORDS)}&page={rng.randint(1, 9)}" if rng.random() < 0.2 else ""
    return f"[{text}](https://{host}/{rng.choice(WORDS)}/{rng.choice(WORDS)}{q})"


def paragraph(rng, posts, i, target):
    parts, words = [], 0
    while words < target:
        n = rng.randint(6, 18)
        parts.append(sentence(rng, n))
        words += n
        if rng.random() < 0.18:
            parts.append(make_link(rng, posts, i))
            words += 2
    return " ".join(parts), words


def body_for(rng, posts, i):
    target = rng.randint(600, 1500)
    out, words = [], 0
    needed = ["list", "olist", "code", "image", "quote", "abs", "rel"]
    rng.shuffle(needed)
    text, n = paragraph(rng, posts, i, rng.randint(40, 90))
    out.append(text); words += n
    section = 0
    while words < target or needed:
        section += 1
        level = "##" if section % 3 else "###"
        out.append(f"{level} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize())
        text, n = paragraph(rng, posts, i, rng.randint(40, 120))
        out.append(text); words += n
        kind = needed.pop() if needed else rng.choice(["para", "list", "olist", "code", "code", "image", "quote", "abs", "rel"])
        if kind == "list":
            items = []
            for _ in range(rng.randint(3, 6)):
                k = rng.randint(3, 12)
                items.append("- " + sentence(rng, k)); words += k
            out.append("\n".join(items))
        elif kind == "olist":
            items = []
            for j in range(rng.randint(3, 6)):
                k = rng.randint(3, 12)
                items.append(f"{j + 1}. " + sentence(rng, k)); words += k
            out.append("\n".join(items))
        elif kind == "code":
            lang = rng.choice(LANGS)
            lines = [rng.choice(CODE_LINES[lang]) for _ in range(rng.randint(6, 24))]
            out.append(f"```{lang}\n" + "\n".join(lines) + "\n```")
        elif kind == "image":
            alt = " ".join(rng.choice(WORDS) for _ in range(3))
            if rng.random() < 0.5:
                out.append(f"![{alt}](/assets/images/figure-{rng.randint(1, 999)}.png)")
            else:
                out.append(f"![{alt}](https://cdn.example.com/img/{rng.randint(1, 99999)}.jpg \"{alt}\")")
        elif kind == "quote":
            k = rng.randint(15, 40)
            out.append("> " + sentence(rng, k) + "\n>\n> — " + rng.choice(AUTHORS)); words += k
        elif kind in ("abs", "rel"):
            link = make_link(rng, posts, i) if kind == "rel" else \
                f"[{rng.choice(WORDS)}](https://www.example.org/{rng.choice(WORDS)}.html)"
            if kind == "rel" and "](/" not in link and "](../" not in link and "](about" not in link:
                link = f"[{rng.choice(WORDS)}](/about/)"
            out.append(f"See {link} for more.")
    return "\n\n".join(out) + "\n"


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fmt_zone(minutes, colon):
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}{':' if colon else ''}{m:02d}"


def generate(n, out, seed):
    rng = random.Random(seed)
    posts = []
    t = dt.datetime(2012, 1, 1, 8, 0, 0)
    for i in range(n):
        p = Post()
        p.index = i
        t += dt.timedelta(seconds=rng.randint(2 * 3600, 6 * 3600))  # 10,000 posts end in 2016
        p.utc = t
        p.zone = rng.choice(ZONES)
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 8))]
        title = " ".join(words).capitalize()
        if rng.random() < 0.1:
            title += " & " + rng.choice(WORDS)
        if rng.random() < 0.1:
            title += ": \"" + rng.choice(WORDS) + "\""
        p.title = title
        p.slug = "-".join(words[:5]) + f"-{i + 1}"
        p.tags = rng.sample(TAGS, rng.randint(1, 4))
        p.categories = rng.sample(CATEGORIES, rng.randint(1, 2))
        p.author = rng.choice(AUTHORS)
        posts.append(p)
        p.body = body_for(rng, posts, i)

    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    jposts = os.path.join(tmp, "jekyll", "_posts")
    hposts = os.path.join(tmp, "hugo", "content", "posts")
    os.makedirs(jposts); os.makedirs(hposts)
    os.makedirs(os.path.join(tmp, "hugo", "layouts", "_default"))
    body_bytes = 0
    with open(os.path.join(tmp, "bodies.md"), "w", encoding="utf-8") as bodies:
        for p in posts:
            local = p.utc + dt.timedelta(minutes=p.zone)
            tags = "[" + ", ".join(p.tags) + "]"
            cats = "[" + ", ".join(p.categories) + "]"
            jfront = (f"---\nlayout: post\ntitle: {yaml_str(p.title)}\n"
                      f"date: {local:%Y-%m-%d %H:%M:%S} {fmt_zone(p.zone, False)}\n"
                      f"tags: {tags}\ncategories: {cats}\nauthor: {yaml_str(p.author)}\n---\n\n")
            hfront = (f"---\ntitle: {yaml_str(p.title)}\n"
                      f"date: {local:%Y-%m-%dT%H:%M:%S}{fmt_zone(p.zone, True) if p.zone else 'Z'}\n"
                      f"slug: {p.slug}\n"
                      f"tags: {tags}\ncategories: {cats}\nauthor: {yaml_str(p.author)}\n---\n\n")
            name = f"{local:%Y-%m-%d}-{p.slug}.md"
            with open(os.path.join(jposts, name), "w", encoding="utf-8") as f:
                f.write(jfront + p.body)
            with open(os.path.join(hposts, name), "w", encoding="utf-8") as f:
                f.write(hfront + p.body)
            bodies.write(p.body + "\n")
            body_bytes += len(p.body.encode())

    with open(os.path.join(tmp, "jekyll", "_config.yml"), "w") as f:
        f.write(f"""title: Crier Benchmark Blog
description: {n} generated posts for bench/run
url: https://example.org
baseurl: ""
author: Bench Editor
lang: en
timezone: UTC
plugins:
  - jekyll-feed
feed:
  posts_limit: {n}
permalink: /:year/:month/:day/:title/
""")
    with open(os.path.join(tmp, "hugo", "hugo.toml"), "w") as f:
        f.write(f"""baseURL = "https://example.org/"
title = "Crier Benchmark Blog"
languageCode = "en"
# Every post in the feed: rssLimit (Hugo < 0.114) and services.rss.limit (newer).
rssLimit = -1
# Only the home page's RSS is built: no HTML pages, lists, taxonomies or sitemap.
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]
[services.rss]
  limit = -1
[outputs]
  home = ["RSS"]
  page = []
[permalinks]
  posts = "/:year/:month/:day/:slug/"
""")
    # Hugo's own RSS template (0.111) with .Summary replaced by .Content.
    with open(os.path.join(tmp, "hugo", "layouts", "_default", "rss.xml"), "w") as f:
        f.write("""{{- $pctx := . -}}
{{- if .IsHome -}}{{ $pctx = .Site }}{{- end -}}
{{- $pages := slice -}}
{{- if or $.IsHome $.IsSection -}}
{{- $pages = $pctx.RegularPages -}}
{{- else -}}
{{- $pages = $pctx.Pages -}}
{{- end -}}
{{- $limit := .Site.Config.Services.RSS.Limit -}}
{{- if ge $limit 1 -}}
{{- $pages = $pages | first $limit -}}
{{- end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{{ .Site.Title }}</title>
    <link>{{ .Permalink }}</link>
    <description>Recent content on {{ .Site.Title }}</description>
    <generator>Hugo -- gohugo.io</generator>
    {{- with .Site.LanguageCode }}
    <language>{{.}}</language>{{end}}
    {{- if not .Date.IsZero }}
    <lastBuildDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>{{ end }}
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      <guid>{{ .Permalink }}</guid>
      <description>{{ .Content | html }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
""")
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump({"posts": n, "seed": seed, "version": VERSION, "markdown_bytes": body_bytes}, f)
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    return body_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--force", action="store_true", help="regenerate even when OUTDIR matches")
    a = ap.parse_args()
    manifest = os.path.join(a.outdir, "manifest.json")
    if not a.force and os.path.exists(manifest):
        with open(manifest) as f:
            m = json.load(f)
        if m.get("posts") == a.n and m.get("seed") == a.seed and m.get("version") == VERSION:
            print(f"{a.outdir}: {a.n} posts already generated ({m['markdown_bytes'] / 1e6:.1f} MB of Markdown)")
            return
    size = generate(a.n, a.outdir, a.seed)
    print(f"{a.outdir}: generated {a.n} posts ({size / 1e6:.1f} MB of Markdown)")


if __name__ == "__main__":
    sys.exit(main())
