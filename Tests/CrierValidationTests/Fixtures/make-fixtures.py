# Writes the rule fixtures in this folder: python3 make-fixtures.py .
# Each rule gets a document that breaks it at a known line and a near-identical one that
# does not; rules.json lists them for RuleFixtureTests. Add a rule by adding an A(...) line.
import json, os, sys
out = sys.argv[1]
os.makedirs(out + "/rules", exist_ok=True)
os.makedirs(out + "/valid", exist_ok=True)

NSDECL = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" '
          'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
          'xmlns:thr="http://purl.org/syndication/thread/1.0" xmlns:sx="http://feedsync.org/2007/feedsync" '
          'xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#" xmlns:g="http://base.google.com/ns/1.0" '
          'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"')

def atom(feed="", entry="", drop=()):
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" ' + NSDECL + '>',
        '  <title>Example feed</title>',
        '  <id>tag:example.com,2024:feed</id>',
        '  <updated>2024-05-01T12:00:00Z</updated>',
        '  <author><name>Ed Example</name></author>',
        '  <link rel="self" type="application/atom+xml" href="https://example.com/feed.xml"/>',
        '  <link rel="alternate" type="text/html" href="https://example.com/"/>',
        '  ' + feed,                          # line 9
        '  <entry>',                           # line 10
        '    <title>First post</title>',
        '    <id>tag:example.com,2024:post-1</id>',
        '    <updated>2024-05-01T12:00:00Z</updated>',
        '    <link rel="alternate" type="text/html" href="https://example.com/posts/1"/>',
        '    ' + entry,                        # line 15
        '  </entry>',
        '</feed>', '']
    return "\n".join(l for i, l in enumerate(lines, 1) if i not in drop)

def rss(channel="", item="", drop=()):
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" ' + NSDECL + '>',
        '  <channel>',                         # line 3
        '    <title>Example feed</title>',
        '    <link>https://example.com/</link>',
        '    <description>Posts from example.com</description>',
        '    <atom:link rel="self" type="application/rss+xml" href="https://example.com/feed.rss"/>',
        '    ' + channel,                      # line 8
        '    <item>',                          # line 9
        '      <title>First post</title>',
        '      <link>https://example.com/posts/1</link>',
        '      <guid isPermaLink="false">tag:example.com,2024:post-1</guid>',
        '      <pubDate>Wed, 01 May 2024 12:00:00 +0000</pubDate>',
        '      ' + item,                       # line 14
        '    </item>',
        '  </channel>',
        '</rss>', '']
    return "\n".join(l for i, l in enumerate(lines, 1) if i not in drop)

cases = []  # (rule, severity, format, line, bad_doc, good_doc)
def A(rule, line, bad, good, sev="error"):
    cases.append((rule, sev, "xml", line, bad, good))

# --- Atom: structure
A("MissingElement", 10, atom(drop={11}), atom())                       # entry without title
A("MissingElement", 2, atom(drop={4}), atom())                         # feed without id
A("DuplicateElement", 9, atom(feed="<title>Second title</title>"), atom(feed="<subtitle>Sub</subtitle>"))
A("UndefinedElement", 9, atom(feed="<published>2024-05-01T12:00:00Z</published>"), atom(feed="<rights>CC BY</rights>"))
A("MissingContentOrAlternate", 10, atom(drop={14}), atom(drop={14}, entry='<content type="text">Body</content>'))
A("MissingSummary", 10, atom(entry='<content src="https://example.com/a.mp3" type="audio/mpeg"/>'),
  atom(entry='<content src="https://example.com/a.mp3" type="audio/mpeg"/><summary>Listen</summary>'))
A("DuplicateAtomLink", 9, atom(feed='<link rel="alternate" type="text/html" href="https://example.com/other"/>'),
  atom(feed='<link rel="alternate" type="text/html" hreflang="fr" href="https://example.com/fr/"/>'))
A("MissingSelf", 2, atom(drop={7}), atom(), sev="warning")
A("MisplacedMetadata", 17, atom().replace("  </entry>\n", "  </entry>\n  <rights>Late</rights>\n"), atom(feed="<rights>Early</rights>"))
A("MissingNamespace", 2, atom().replace('<feed xmlns="http://www.w3.org/2005/Atom" ', '<feed ').replace("<title>Example", "<title>Example"), atom())
A("InvalidNamespace", 2, atom().replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns="http://www.w3.org/2005/atom"'), atom())
A("UnexpectedAttribute", 9, atom(feed='<subtitle mode="escaped">Sub</subtitle>'), atom(feed='<subtitle type="html">Sub</subtitle>'))
A("UnexpectedText", 9, atom(feed='<content/>stray text').replace("<content/>", ""), atom(feed="<!-- a comment -->"))
A("DuplicateIds", 2, atom().replace("  <entry>", "  <entry><title>a</title><id>tag:example.com,2024:same</id><updated>2024-05-01T12:00:00Z</updated><content>x</content></entry>\n  <entry><title>b</title><id>tag:example.com,2024:same</id><updated>2024-05-01T12:00:00Z</updated><content>x</content></entry>\n  <entry><title>c</title><id>tag:example.com,2024:same</id><updated>2024-05-01T12:00:00Z</updated><content>x</content></entry>\n  <entry>", 1).replace("tag:example.com,2024:post-1", "tag:example.com,2024:same"),
  atom())
# --- Atom: values
A("InvalidRFC3339Date", 9, atom(feed=""), atom())  # placeholder replaced below
cases.pop()
A("InvalidRFC3339Date", 15, atom(entry="<published>2024-05-01 12:00:00</published>"), atom(entry="<published>2024-05-01T12:00:00.5+02:00</published>"))
A("UnexpectedWhitespace", 15, atom(entry="<published> 2024-05-01T12:00:00Z </published>"), atom(entry="<published>2024-05-01T12:00:00Z</published>"))
A("InvalidTextType", 9, atom(feed='<subtitle type="text/plain">Sub</subtitle>'), atom(feed='<subtitle type="text">Sub</subtitle>'))
A("InvalidMIMEType", 15, atom(entry='<content type="xml">x</content>'), atom(entry='<content type="application/xml"><x xmlns="urn:x:y">x</x></content>'))
A("InvalidMIMEType", 15, atom(entry='<summary>x</summary><content type="multipart/mixed">eA==</content>'), atom(entry='<summary>x</summary><content type="application/octet-stream">eA==</content>'))
A("InvalidMIMEType", 15, atom(entry='<summary>x</summary><content type="message/rfc822">eA==</content>'), atom(entry='<summary>x</summary><content type="image/png">eA==</content>'))
A("NotBase64", 15, atom(entry='<content type="image/png">abcde</content><summary>s</summary>'), atom(entry='<content type="image/png">iVBORw0KGgo=</content><summary>s</summary>'))
A("MissingXhtmlDiv", 15, atom(entry='<content type="xhtml">Just text</content>'), atom(entry='<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>'))
A("InvalidFullLink", 12, atom().replace("<id>tag:example.com,2024:post-1</id>", "<id>/posts/1</id>"), atom())
A("InvalidUriChar", 9, atom(feed='<icon>https://example.com/my icon.png</icon>'), atom(feed='<icon>https://example.com/my%20icon.png</icon>'))
A("InvalidTAG", 12, atom().replace("tag:example.com,2024:post-1", "tag:Example.com:post-1"), atom())
A("InvalidUUID", 12, atom().replace("tag:example.com,2024:post-1", "urn:uuid:1234"), atom().replace("tag:example.com,2024:post-1", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"))
A("InvalidURN", 12, atom().replace("tag:example.com,2024:post-1", "urn:x:"), atom().replace("tag:example.com,2024:post-1", "urn:isbn:0451450523"))
A("MissingHref", 15, atom(entry='<link rel="related"/>'), atom(entry='<link rel="related" href="https://example.com/r"/>'))
A("InvalidLanguage", 15, atom(entry='<link rel="related" hreflang="english" href="https://example.com/r"/>'), atom(entry='<link rel="related" hreflang="en-GB" href="https://example.com/r"/>'))
A("InvalidNonNegativeInteger", 15, atom(entry='<link rel="enclosure" type="audio/mpeg" length="-1" href="https://example.com/a.mp3"/>'), atom(entry='<link rel="enclosure" type="audio/mpeg" length="1024" href="https://example.com/a.mp3"/>'))
A("UnregisteredAtomLinkRel", 15, atom(entry='<link rel="sidebar" href="https://example.com/r"/>'), atom(entry='<link rel="https://example.com/rels/sidebar" href="https://example.com/r"/>'), sev="warning")
A("MissingAttribute", 15, atom(entry='<category label="Swift"/>'), atom(entry='<category term="swift" label="Swift"/>'))
A("InvalidAddrSpec", 15, atom(entry='<contributor><name>Al</name><email>al at example</email></contributor>'), atom(entry='<contributor><name>Al</name><email>al@example.com</email></contributor>'))
A("DuplicateEntries", 11, atom().replace("  <entry>", "  <entry><title>a</title><id>tag:example.com,2024:post-1</id><updated>2024-05-01T12:00:00Z</updated><content>x</content></entry>\n  <entry>", 1), atom(), sev="warning")
A("AtomLinkNotEmpty", 15, atom(entry='<link rel="related" href="https://example.com/r">text</link>'), atom(entry='<link rel="related" href="https://example.com/r"/>'), sev="warning")
# --- RSS 2.0
A("MissingTitle", 3, rss(drop={4}), rss())
A("MissingLink", 3, rss(drop={5}), rss())
A("MissingDescription", 3, rss(drop={6}), rss())
A("MissingAtomSelfLink", 3, rss(drop={7}), rss(), sev="warning")
A("DuplicateElement", 8, rss(channel="<title>Again</title>"), rss(channel="<copyright>CC BY</copyright>"))
A("UndefinedElement", 14, rss(item="<summary>Nope</summary>"), rss(item="<description>Yes</description>"))
A("ItemMustContainTitleOrDescription", 9, rss(drop={10}), rss(drop={10}, item="<description>Body</description>"))
A("MissingGuid", 9, rss(drop={12}), rss(), sev="warning")
A("InvalidRFC2822Date", 8, rss(channel="<lastBuildDate>2024-05-01T12:00:00Z</lastBuildDate>"), rss(channel="<lastBuildDate>Wed, 01 May 2024 12:00:00 GMT</lastBuildDate>"))
A("IncorrectDOW", 8, rss(channel="<lastBuildDate>Thu, 01 May 2024 12:00:00 +0000</lastBuildDate>"), rss(channel="<lastBuildDate>Wed, 01 May 2024 12:00:00 +0000</lastBuildDate>"))
A("ProblematicalRFC822Date", 8, rss(channel="<lastBuildDate>Wed, 01 May 24 12:00:00 +0000</lastBuildDate>"), rss(channel="<lastBuildDate>Wed, 01 May 2024 12:00:00 +0000</lastBuildDate>"), sev="warning")
A("InvalidFullLink", 14, rss(item="<comments>/posts/1#comments</comments>"), rss(item="<comments>https://example.com/posts/1#comments</comments>"))
A("InvalidLanguage", 8, rss(channel="<language>english</language>"), rss(channel="<language>en-us</language>"))
A("InvalidContact", 8, rss(channel="<managingEditor>Ed Example</managingEditor>"), rss(channel="<managingEditor>ed@example.com (Ed Example)</managingEditor>"))
A("InvalidPositiveInteger", 8, rss(channel="<ttl>sixty</ttl>"), rss(channel="<ttl>60</ttl>"))
A("MissingAttribute", 14, rss(item='<enclosure url="https://example.com/a.mp3" type="audio/mpeg"/>'), rss(item='<enclosure url="https://example.com/a.mp3" length="1024" type="audio/mpeg"/>'))
A("InvalidURLAttribute", 14, rss(item='<enclosure url="a.mp3" length="1024" type="audio/mpeg"/>'), rss(item='<enclosure url="https://example.com/a.mp3" length="1024" type="audio/mpeg"/>'))
A("UseZeroForUnknown", 14, rss(item='<enclosure url="https://example.com/a.mp3" length="-1" type="audio/mpeg"/>'), rss(item='<enclosure url="https://example.com/a.mp3" length="0" type="audio/mpeg"/>'))
A("InvalidMIMEAttribute", 14, rss(item='<enclosure url="https://example.com/a.mp3" length="1" type="mp3"/>'), rss(item='<enclosure url="https://example.com/a.mp3" length="1" type="audio/mpeg"/>'))
A("InvalidHttpGUID", 12, rss().replace('<guid isPermaLink="false">tag:example.com,2024:post-1</guid>', '<guid></guid>'), rss())
A("InvalidPermalink", 12, rss().replace('<guid isPermaLink="false">', '<guid>'), rss().replace('<guid isPermaLink="false">tag:example.com,2024:post-1', '<guid>https://example.com/posts/1'))
A("InvalidBooleanAttribute", 12, rss().replace('isPermaLink="false"', 'isPermaLink="no"'), rss())
A("UnexpectedAttribute", 12, rss().replace('isPermaLink="false"', 'isPermalink="false"'), rss())
A("InvalidWidth", 8, rss(channel="<image><url>https://example.com/i.png</url><title>Example feed</title><link>https://example.com/</link><width>200</width></image>"),
  rss(channel="<image><url>https://example.com/i.png</url><title>Example feed</title><link>https://example.com/</link><width>88</width></image>"))
A("InvalidHeight", 8, rss(channel="<image><url>https://example.com/i.png</url><title>Example feed</title><link>https://example.com/</link><height>0</height></image>"),
  rss(channel="<image><url>https://example.com/i.png</url><title>Example feed</title><link>https://example.com/</link><height>31</height></image>"))
A("InvalidDay", 8, rss(channel="<skipDays><day>Funday</day></skipDays>"), rss(channel="<skipDays><day>Sunday</day></skipDays>"))
A("InvalidHour", 8, rss(channel="<skipHours><hour>25</hour></skipHours>"), rss(channel="<skipHours><hour>0</hour></skipHours>"))
A("DuplicateValue", 8, rss(channel="<skipHours><hour>1</hour><hour>1</hour></skipHours>"), rss(channel="<skipHours><hour>1</hour><hour>2</hour></skipHours>"))
A("InvalidIntegerAttribute", 8, rss(channel='<cloud domain="rpc.example.com" port="eighty" path="/RPC2" registerProcedure="ping" protocol="xml-rpc"/>'),
  rss(channel='<cloud domain="rpc.example.com" port="80" path="/RPC2" registerProcedure="ping" protocol="xml-rpc"/>'))
A("InvalidFormComponentName", 8, rss(channel="<textInput><title>Search</title><description>Search</description><name>1 q</name><link>https://example.com/s</link></textInput>"),
  rss(channel="<textInput><title>Search</title><description>Search</description><name>q</name><link>https://example.com/s</link></textInput>"))
A("MissingAttribute", 2, rss().replace(' version="2.0"', ""), rss())
# --- extensions
A("InvalidW3CDTFDate", 14, rss(item="<dc:date>2024-05-01T12:00</dc:date>"), rss(item="<dc:date>2024-05-01T12:00Z</dc:date>"))
A("DuplicateElement", 14, rss(item="<content:encoded>a</content:encoded><content:encoded>b</content:encoded>"), rss(item="<content:encoded>&lt;p&gt;a&lt;/p&gt;</content:encoded><dc:creator>Ed</dc:creator>"))
A("InvalidTrueFalse", 14, rss(item="<itunes:explicit>maybe</itunes:explicit>"), rss(item="<itunes:explicit>false</itunes:explicit>"))
A("InvalidDuration", 14, rss(item="<itunes:duration>12:75</itunes:duration>"), rss(item="<itunes:duration>1:02:03</itunes:duration>"))
A("InvalidItunesCategory", 8, rss(channel='<itunes:category text="Everything"/>'), rss(channel='<itunes:category text="Technology"/>'))
A("TooLong", 14, rss(item="<itunes:subtitle>" + "x" * 300 + "</itunes:subtitle>"), rss(item="<itunes:subtitle>Short</itunes:subtitle>"))
A("UndefinedElement", 8, rss(channel="<itunes:duration>1:00</itunes:duration>"), rss(item="<itunes:duration>1:00</itunes:duration>"))
A("MediaGroupWithoutAlternatives", 14, rss(item='<media:group><media:content url="https://example.com/a.mp4"/></media:group>'),
  rss(item='<media:group><media:content url="https://example.com/a.mp4"/><media:content url="https://example.com/b.mp4"/></media:group>'))
A("InvalidMediaMedium", 14, rss(item='<media:content url="https://example.com/a.mp4" medium="film"/>'), rss(item='<media:content url="https://example.com/a.mp4" medium="video"/>'))
A("InvalidMediaRating", 14, rss(item='<media:rating>x</media:rating>'), rss(item='<media:rating>nonadult</media:rating>'))
A("InvalidMediaTextType", 14, rss(item='<media:title type="text/html">T</media:title>'), rss(item='<media:title type="plain">T</media:title>'))
A("InvalidNPTTime", 14, rss(item='<media:thumbnail url="https://example.com/t.jpg" time="-3"/>'), rss(item='<media:thumbnail url="https://example.com/t.jpg" time="0:01:02.5"/>'))
A("InvalidCountryCode", 14, rss(item='<media:restriction relationship="allow" type="country">XX</media:restriction>'), rss(item='<media:restriction relationship="allow" type="country">GB FR</media:restriction>'))
A("InvalidUpdatePeriod", 8, rss(channel="<sy:updatePeriod>often</sy:updatePeriod>"), rss(channel="<sy:updatePeriod>daily</sy:updatePeriod>"))
A("InvalidCommaSeparatedIntegers", 14, rss(item="<slash:hit_parade>1,two,3</slash:hit_parade>"), rss(item="<slash:hit_parade>1,2,3</slash:hit_parade>"))
A("InvalidLatitude", 14, rss(item="<geo:lat>91.5</geo:lat>"), rss(item="<geo:lat>51.5</geo:lat>"))
A("InvalidLongitude", 14, rss(item="<geo:long>-188.2</geo:long>"), rss(item="<geo:long>-0.12</geo:long>"))
A("InvalidSseType", 9, atom(feed='<sx:sharing><sx:related link="https://example.com/all.xml" type="other"/></sx:sharing>'), atom(feed='<sx:sharing><sx:related link="https://example.com/all.xml" type="complete"/></sx:sharing>'))
A("IntegerOverflow", 15, atom(entry='<sx:sync id="a" updates="2147483648"><sx:history sequence="1" by="a"/></sx:sync>'), atom(entry='<sx:sync id="a" updates="2147483647"><sx:history sequence="1" by="a"/></sx:sync>'))
A("SinceAfterUntil", 9, atom(feed='<sx:sharing since="2024-05-02T00:00:00Z" until="2024-05-01T00:00:00Z"/>'), atom(feed='<sx:sharing since="2024-05-01T00:00:00Z" until="2024-05-02T00:00:00Z"/>'))
A("InvalidCurrencyUnit", 15, atom(entry="<g:currency>US Dollars</g:currency>"), atom(entry="<g:currency>USD</g:currency>"))
A("InvalidFloatUnit", 15, atom(entry="<g:price>free</g:price>"), atom(entry="<g:price>10.50 usd</g:price>"))
A("InvalidEncoding", 9, atom(feed='<opensearch:Query role="request" inputEncoding="Klingon"/>'), atom(feed='<opensearch:Query role="request" inputEncoding="UTF-8"/>'))
A("InvalidMIMEType", 15, atom(entry='<thr:in-reply-to ref="tag:example.com,2024:post-0" type="html"/>'), atom(entry='<thr:in-reply-to ref="tag:example.com,2024:post-0" type="text/html"/>'))
A("InvalidUriChar", 9, atom(feed='<feedburner:awareness>not a uri</feedburner:awareness>'), atom(feed='<feedburner:awareness>https://example.com/a</feedburner:awareness>'))

A("UseZeroForMidnight", 8, rss(channel="<skipHours><hour>24</hour></skipHours>"), rss(channel="<skipHours><hour>0</hour></skipHours>"), sev="warning")
A("NotInANamespace", 14, rss(item='<media:group><media:content url="https://example.com/a.mp4"/><media:content url="https://example.com/b.mp4"/><PhotoDate>1</PhotoDate></media:group>'),
  rss(item='<media:group><media:content url="https://example.com/a.mp4"/><media:content url="https://example.com/b.mp4"/></media:group>'))
A("FeedRelInCompleteFeed", 9, atom(feed='<fh:complete xmlns:fh="http://purl.org/syndication/history/1.0"/><link rel="next" href="https://example.com/feed-2.xml"/>'),
  atom(feed='<fh:complete xmlns:fh="http://purl.org/syndication/history/1.0"/>'))
A("LinkPastEnd", 9, atom(feed='<link rel="last" href="https://example.com/feed.xml"/><link rel="next" href="https://example.com/feed-2.xml"/>'),
  atom(feed='<link rel="last" href="https://example.com/feed-9.xml"/><link rel="next" href="https://example.com/feed-2.xml"/>'))
A("FeedHistoryRelInEntry", 15, atom(entry='<link rel="next" href="https://example.com/posts/2"/>'), atom(entry='<link rel="related" href="https://example.com/posts/2"/>'), sev="warning")
A("InvalidAccessRestrictionRel", 3, rss().replace("  <channel>", '  <access:restriction xmlns:access="http://www.bloglines.com/about/specs/fac-1.0" relationship="maybe"/><channel>'),
  rss().replace("  <channel>", '  <access:restriction xmlns:access="http://www.bloglines.com/about/specs/fac-1.0" relationship="deny"/><channel>'))
A("ObsoleteNamespace", 2, atom().replace("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", 1), atom())
A("BadXmlVersion", 1, atom().replace('version="1.0"', 'version="1.1"', 1), atom())
A("InvalidDoctype", 1, rss().replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'), rss())

A("UnexpectedText", 9, rss(item="stray words"), rss(item="<!-- a comment -->"))
A("UnexpectedText", 15, atom(entry="<contributor>Al<name>Al</name></contributor>"), atom(entry="<contributor><name>Al</name></contributor>"))

A("InvalidGender", 15, atom(entry="<g:gender>unknown</g:gender>"), atom(entry="<g:gender>Female</g:gender>"))
A("InvalidPercentage", 15, atom(entry="<g:tax_percent>120</g:tax_percent>"), atom(entry="<g:tax_percent>8.25</g:tax_percent>"))
A("InvalidIntUnit", 15, atom(entry="<g:mileage>12.5 miles</g:mileage>"), atom(entry="<g:mileage>12000 miles</g:mileage>"))
A("NotBlank", 15, atom(entry="<summary></summary>"), atom(entry="<summary>Short</summary>"), sev="warning")
A("NotHtml", 15, atom(entry='<content type="xhtml"><div>Hi</div></content>'), atom(entry='<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi</div></content>'), sev="warning")
A("InvalidCoord", 15, atom(entry='<georss:point xmlns:georss="http://www.georss.org/georss">45.2</georss:point>'), atom(entry='<georss:point xmlns:georss="http://www.georss.org/georss">45.256 -71.92</georss:point>'))
A("InvalidNonNegativeInteger", 15, atom(entry='<link rel="replies" href="https://example.com/c" thr:count="many"/>'), atom(entry='<link rel="replies" href="https://example.com/c" thr:count="3"/>'))

A("MediaRssNamespace", 14, rss(item='<m:title xmlns:m="http://search.yahoo.com/mrss">T</m:title>'), rss(item='<m:title xmlns:m="http://search.yahoo.com/mrss/">T</m:title>'))
A("MissingByAndWhenAttrs", 15, atom(entry='<sx:sync id="a" updates="1"><sx:history sequence="1"/></sx:sync>'), atom(entry='<sx:sync id="a" updates="1"><sx:history sequence="1" by="REO1750"/></sx:sync>'))
A("WPBlankLine", 2, "\n" + atom(), atom())

# --- whole numbers as the W3C validator reads them (Python's int()): white space around
# them and a sign are fine; zero is not a positive number; ranges apply to the value.
IMG = "<image><url>https://example.com/i.png</url><title>Example feed</title><link>https://example.com/</link>%s</image>"
A("InvalidPositiveInteger", 8, rss(channel="<ttl>0</ttl>"), rss(channel="<ttl>+60</ttl>"))
A("InvalidPositiveInteger", 8, rss(channel="<sy:updateFrequency>-0</sy:updateFrequency>"), rss(channel="<sy:updateFrequency> +2 </sy:updateFrequency>"))
A("InvalidWidth", 8, rss(channel=IMG % "<width>+145</width>"), rss(channel=IMG % "<width> +144 </width>"))
A("InvalidHeight", 8, rss(channel=IMG % "<height>31.5</height>"), rss(channel=IMG % "<height>+0400</height>"))
A("InvalidHour", 8, rss(channel="<skipHours><hour>+25</hour></skipHours>"), rss(channel="<skipHours><hour> +23 </hour></skipHours>"))
A("DuplicateValue", 8, rss(channel="<skipHours><hour>7</hour><hour>+07</hour></skipHours>"), rss(channel="<skipHours><hour>7</hour><hour>+08</hour></skipHours>"))
A("InvalidIntegerAttribute", 8, rss(channel='<cloud domain="rpc.example.com" port="-0" path="/RPC2" registerProcedure="ping" protocol="xml-rpc"/>'),
  rss(channel='<cloud domain="rpc.example.com" port="+80" path="/RPC2" registerProcedure="ping" protocol="xml-rpc"/>'))
A("InvalidIntegerAttribute", 14, rss(item='<enclosure url="https://example.com/a.mp3" length="1_024" type="audio/mpeg"/>'),
  rss(item='<enclosure url="https://example.com/a.mp3" length=" +1024 " type="audio/mpeg"/>'))
A("UseZeroForUnknown", 14, rss(item='<enclosure url="https://example.com/a.mp3" length=" -1 " type="audio/mpeg"/>'), rss(item='<enclosure url="https://example.com/a.mp3" length="-0" type="audio/mpeg"/>'))
A("InvalidNonNegativeInteger", 14, rss(item="<slash:comments>-3</slash:comments>"), rss(item="<slash:comments>+3</slash:comments>"))
A("InvalidNonNegativeInteger", 15, atom(entry='<link rel="enclosure" type="audio/mpeg" length="1e3" href="https://example.com/a.mp3"/>'),
  atom(entry='<link rel="enclosure" type="audio/mpeg" length="+1000" href="https://example.com/a.mp3"/>'))
A("IntegerOverflow", 15, atom(entry='<sx:sync id="a" updates="+99999999999999999999999"><sx:history sequence="1" by="a"/></sx:sync>'),
  atom(entry='<sx:sync id="a" updates=" +2147483647 "><sx:history sequence="1" by="a"/></sx:sync>'))

# --- language tags: only the primary subtag (before the first "-") must be an ISO 639
# code, as in the W3C validator; what follows it is not checked.
A("InvalidLanguage", 8, rss(channel="<language>en_us</language>"), rss(channel="<language>en-</language>"))
A("InvalidLanguage", 14, rss(item="<dc:language>-en</dc:language>"), rss(item="<dc:language>EN-a_b</dc:language>"))
A("InvalidLanguage", 15, atom(entry='<summary xml:lang="zz-GB">Hi</summary>'), atom(entry='<summary xml:lang="fr-CA-x-quebecoisfrancais">Salut</summary>'))
A("InvalidLanguage", 15, atom(entry='<link rel="related" hreflang="english-GB" href="https://example.com/r"/>'), atom(entry='<link rel="related" hreflang="en-Latn_GB" href="https://example.com/r"/>'))

# --- RSS 1.0's lower-case <textinput> in an RSS 2.0 channel is taken for a misspelt
# <textInput> (UndefinedElement), except in a channel with rdf:about, where it is left alone.
TEXTINPUT = "<%s><title>Search</title><description>Search the posts</description><name>q</name><link>https://example.com/search</link></%s>"
A("UndefinedElement", 8, rss(channel=TEXTINPUT % ("textinput", "textinput")), rss(channel=TEXTINPUT % ("textInput", "textInput")))
A("UndefinedElement", 8, rss(channel=TEXTINPUT % ("textinput", "textinput")),
  rss(channel=TEXTINPUT % ("textinput", "textinput")).replace("  <channel>", '  <channel xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="https://example.com/">'))

# --- the RSS 0.91 DTD: Netscape's copy (my.netscape.com) is gone, the RSS Advisory Board's is fine.
def rss091(system_id):
    return rss().replace('version="2.0"', 'version="0.91"').replace('<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "' + system_id + '">')
A("DeprecatedDTD", 1, rss091("http://my.netscape.com/publish/formats/rss-0.91.dtd"), rss091("http://www.rssboard.org/rss-0.91.dtd"))

# --- Atom elements in RSS are checked as in an Atom feed: dates, text constructs, persons, ids.
A("InvalidRFC3339Date", 14, rss(item="<atom:updated>Wed, 01 May 2024 12:00:00 +0000</atom:updated>"), rss(item="<atom:updated>2024-05-01T12:00:00Z</atom:updated>"))
A("InvalidRFC3339Date", 14, rss(item="<atom:published>2024-05-01</atom:published>"), rss(item="<atom:published>2024-05-01T12:00:00+02:00</atom:published>"))
A("InvalidRFC3339Date", 8, rss(channel="<atom:updated>2024-05-01T12:00</atom:updated>"), rss(channel="<atom:updated>2024-05-01T12:00:00.25Z</atom:updated>"))
A("InvalidTextType", 14, rss(item='<atom:summary type="text/plain">Hi</atom:summary>'), rss(item='<atom:summary type="html">&lt;b&gt;Hi&lt;/b&gt;</atom:summary>'))
A("MissingXhtmlDiv", 14, rss(item='<atom:content type="xhtml">Just text</atom:content>'),
  rss(item='<atom:content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></atom:content>'))
A("MissingElement", 14, rss(item="<atom:author><atom:email>ed@example.com</atom:email></atom:author>"),
  rss(item="<atom:author><atom:name>Ed Example</atom:name><atom:email>ed@example.com</atom:email></atom:author>"))
A("InvalidAddrSpec", 14, rss(item="<atom:contributor><atom:name>Al</atom:name><atom:email>al at example</atom:email></atom:contributor>"),
  rss(item="<atom:contributor><atom:name>Al</atom:name><atom:email>al@example.com</atom:email></atom:contributor>"))
A("InvalidFullLink", 14, rss(item="<atom:id>/posts/1</atom:id>"), rss(item="<atom:id>tag:example.com,2024:post-1</atom:id>"))

# --- names a namespace the W3C validator knows does not define, wherever they stand.
A("UndefinedElement", 8, rss(channel="<feedburner:browserfriendly>Subscribe</feedburner:browserfriendly>"),
  rss(channel="<feedburner:browserFriendly>Subscribe</feedburner:browserFriendly>"))
A("UndefinedElement", 15, atom(entry='<geo:latitude xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#">51.5</geo:latitude>'),
  atom(entry='<geo:lat xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#">51.5</geo:lat>'))
A("UndefinedElement", 14, rss(item="<atom:entry><atom:title>Nested</atom:title></atom:entry>"), rss(item="<atom:title>Nested</atom:title>"))
# ... and element content in an element whose value is text.
A("UndefinedElement", 14, rss(item='<dc:creator><foaf:name xmlns:foaf="http://xmlns.com/foaf/0.1/">Ed</foaf:name></dc:creator>'),
  rss(item="<dc:creator>Ed</dc:creator>"))
A("MisplacedXHTMLContent", 15, atom(entry='<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://example.com/a.png"/>'),
  atom(entry='<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><img src="https://example.com/a.png"/></div></content>'), sev="warning")

manifest = []
counts = {}
for rule, sev, fmt, line, bad, good in cases:
    n = counts.get(rule, 0) + 1
    counts[rule] = n
    ext = "xml"
    base = f"{rule}-{n}"
    open(f"{out}/rules/{base}-invalid.{ext}", "w").write(bad)
    open(f"{out}/rules/{base}-valid.{ext}", "w").write(good)
    manifest.append({"rule": rule, "severity": sev, "line": line, "invalid": f"rules/{base}-invalid.{ext}", "valid": f"rules/{base}-valid.{ext}"})
json.dump(manifest, open(f"{out}/rules.json", "w"), indent=1)
open(f"{out}/valid/atom.xml", "w").write(atom(entry='<content type="html">&lt;p&gt;Hello&lt;/p&gt;</content>'))
open(f"{out}/valid/rss.xml", "w").write(rss(item='<description>Hello</description><content:encoded><![CDATA[<p>Hello</p>]]></content:encoded><dc:creator>Ed Example</dc:creator>'))
print(len(manifest), "rule cases")
