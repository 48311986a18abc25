import Foundation

/// Where a build's posts come from and how they are turned into feeds.
public struct BuildJob: Sendable {
    public var source: PostSource
    /// Laid over the loaded site's settings (a feed definition's keys), if any.
    public var definition: FeedDefinition?
    public var formats: [FeedFormat]

    public init(source: PostSource, definition: FeedDefinition? = nil, formats: [FeedFormat]) {
        self.source = source
        self.definition = definition
        self.formats = formats
    }
}

/// Options that apply to every job of a build.
public struct BuildOptions: Sendable {
    public var now: Date = Date()
    public var includeFuture = false
    public var includeDrafts = false
    /// Overrides every feed's entry limit.
    public var limit: Int?
    /// Validates each file before it may be written: Crier's validator by default.
    public var check: FeedCheck? = FeedGate.check

    public init() {}
}

/// What a build produced: files ready to write, and every problem met on the way.
public struct BuildOutcome: Sendable {
    public var files: [RenderedFile] = []
    public var postErrors: [PostError] = []
    public var warnings: [PostError] = []
    public var feedFailures: [FeedFailure] = []
    public var postCount = 0
    public var feedCount = 0

    /// Whether every post loaded and every feed rendered and passed its check.
    public var succeeded: Bool { postErrors.isEmpty && feedFailures.isEmpty }
}

/// Loading, planning and rendering: everything of a build but writing to disk.
public enum BuildPipeline {
    public static func run(_ jobs: [BuildJob], options: BuildOptions) -> BuildOutcome {
        var outcome = BuildOutcome()
        var loadOptions = LoadOptions()
        loadOptions.includeDrafts = options.includeDrafts
        for job in jobs {
            var result = PostLoader.load(job.source, options: loadOptions)
            if let definition = job.definition {
                result.site = definition.applyingOverrides(to: result.site)
            }
            outcome.postErrors += result.errors
            outcome.warnings += result.warnings
            outcome.postCount += result.posts.count
            let builder = FeedBuilder(site: result.site, now: options.now, includeFuture: options.includeFuture, limit: options.limit)
            let planned = builder.feeds(from: result.posts)
            outcome.feedCount += planned.count
            for rendered in FeedRenderer.render(planned, formats: job.formats, check: options.check) {
                switch rendered {
                case .success(let file): outcome.files.append(file)
                case .failure(let failure): outcome.feedFailures.append(failure)
                }
            }
        }
        // Two jobs writing the same path would overwrite each other: refuse both.
        let paths = Dictionary(grouping: outcome.files, by: \.path).filter { $0.value.count > 1 }
        for (path, _) in paths.sorted(by: { $0.key < $1.key }) {
            outcome.files.removeAll { $0.path == path }
            outcome.feedFailures.append(FeedFailure(path: path, problems: ["two feeds would be written to this path; give one of them another `path:`"]))
        }
        return outcome
    }
}
