import Foundation
import KlineSyncCore

/// Writing to the terminal: stdout for what a person reads, stderr for errors and logs.
enum Terminal {
    /// Writes a line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// What to print after `error: ` for an error: the project's own errors as they are, file errors in the
    /// project's words (``FileProblem``), never raw Foundation text.
    static func message(for error: any Error) -> String {
        switch error {
        case let error as FileProblem: error.description
        case let error as SyncError: error.description
        case _ where FileProblem.isFileError(error):
            FileProblem.from(error, action: "access", path: "a file").description
        default: "\(error)"
        }
    }

    /// Whether stdout is a terminal (colour and live progress only then).
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Whether stderr is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) != 0 }
}
