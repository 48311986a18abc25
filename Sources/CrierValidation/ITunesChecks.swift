import CrierXML

/// Apple Podcasts (`itunes:`) tags, as Apple's podcast RSS requirements state them.
enum ITunesChecks {
    static let namespace = ExtensionNamespace(name: "itunes", spec: "Apple Podcasts RSS", closed: true, elements: [
        "author": .init(singleton: true),
        "block": .init(singleton: true, text: .oneOf(["yes", "no", "true", "false"], rule: "InvalidYesNoClean", caseSensitive: false)),
        "category": .init(scope: .feed, required: ["text"], nested: true),
        "image": .init(singleton: true, attributes: ["href": .httpURL], required: ["href"]),
        "explicit": .init(singleton: true, text: .trueFalse),
        "complete": .init(scope: .feed, singleton: true, text: .oneOf(["yes", "no"], rule: "InvalidYesNo", caseSensitive: false)),
        "keywords": .init(singleton: true, text: .maxLength(255)),
        "new-feed-url": .init(scope: .feed, singleton: true, text: .httpURL),
        "owner": .init(scope: .feed, singleton: true, nested: true),
        "name": .init(singleton: true),
        "email": .init(singleton: true, text: .email),
        "subtitle": .init(singleton: true, text: .maxLength(255)),
        "summary": .init(singleton: true, text: .maxLength(4000)),
        "type": .init(scope: .feed, singleton: true, text: .oneOf(["episodic", "serial"], rule: "InvalidItunesChannelType", caseSensitive: true)),
        "title": .init(singleton: true),
        "duration": .init(scope: .item, singleton: true, text: .duration),
        "isClosedCaptioned": .init(scope: .item, singleton: true, text: .oneOf(["yes", "no"], rule: "InvalidYesNo", caseSensitive: false)),
        "order": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
        "episode": .init(scope: .item, singleton: true, text: .positiveInteger),
        "season": .init(scope: .item, singleton: true, text: .positiveInteger),
        "episodeType": .init(scope: .item, singleton: true, text: .oneOf(["full", "trailer", "bonus"], rule: "InvalidItunesEpisodeType", caseSensitive: true)),
        "link": .init(scope: .feed),
    ])

    /// Apple's categories: current (2019) and earlier names, with their subcategories.
    static let categories: [String: Set<String>] = [
        "Arts": ["Books", "Design", "Fashion & Beauty", "Food", "Literature", "Performing Arts", "Visual Arts"],
        "Business": ["Business News", "Careers", "Entrepreneurship", "Investing", "Management", "Management & Marketing", "Marketing", "Non-Profit", "Shopping"],
        "Comedy": ["Comedy Interviews", "Improv", "Stand-Up"],
        "Education": ["Courses", "Education Technology", "Educational Technology", "Higher Education", "How To", "K-12", "Language Courses", "Language Learning", "Self-Improvement", "Training"],
        "Fiction": ["Comedy Fiction", "Drama", "Science Fiction"],
        "Games & Hobbies": ["Automotive", "Aviation", "Hobbies", "Other Games", "Video Games"],
        "Government": [],
        "Government & Organizations": ["Local", "National", "Non-Profit", "Regional"],
        "Health": ["Alternative Health", "Fitness & Nutrition", "Self-Help", "Sexuality"],
        "Health & Fitness": ["Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"],
        "History": [],
        "Kids & Family": ["Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"],
        "Leisure": ["Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games"],
        "Music": ["Music Commentary", "Music History", "Music Interviews"],
        "News": ["Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News"],
        "News & Politics": [],
        "Religion & Spirituality": ["Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Other", "Religion", "Spirituality"],
        "Science": ["Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature", "Physics", "Social Sciences"],
        "Science & Medicine": ["Medicine", "Natural Sciences", "Social Sciences"],
        "Society & Culture": ["Documentary", "History", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"],
        "Sports": ["Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"],
        "Sports & Recreation": ["Amateur", "College & High School", "Outdoor", "Professional"],
        "Technology": ["Gadgets", "Podcasting", "Software How-To", "Tech News"],
        "True Crime": [],
        "TV & Film": ["After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"],
    ]

    /// Names Apple once used and no longer lists: accepted with a warning.
    static let obsoleteCategories: Set<String> = [
        "Computers", "Entertainment", "Family", "Food", "International", "Movies & Television", "Politics", "Public Radio",
        "Talk Radio", "Transportation", "Travel",
    ]

    /// Checks beyond the table: category names.
    static func check(_ e: XMLElement, parent: XMLElement, sink: DiagnosticSink) {
        guard e.name == "category", let text = e.attribute("text") else { return }
        let spec = "Apple Podcasts RSS §itunes:category"
        if parent.namespace == e.namespace && parent.name == "category" {
            let main = parent.attribute("text") ?? ""
            let allSubs = categories.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            if !(categories[main]?.contains(text) ?? allSubs.contains(text)) {
                sink.error("InvalidItunesCategory", at: e, "\"\(text)\" is not an Apple Podcasts subcategory of \"\(main)\".", spec: spec)
            }
        } else if obsoleteCategories.contains(text) {
            sink.warning("ObsoleteItunesCategory", at: e, "\"\(text)\" is no longer an Apple Podcasts category.", spec: spec)
        } else if categories[text] == nil {
            sink.error("InvalidItunesCategory", at: e, "\"\(text)\" is not an Apple Podcasts category.", spec: spec)
        }
    }
}
