/// A menu file's `resume:` block as written, before compilation (see ``ResumePolicy``).
struct ResumeDefinition: Sendable {
    var mode: ResumePolicy.Mode
    var windowSeconds: Int
    var text: LocalizedText?
    var location: SourceLocation
}
