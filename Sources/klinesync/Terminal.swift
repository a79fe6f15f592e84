import Foundation

/// Writing to the terminal: stdout for what a person reads, stderr for errors and logs.
enum Terminal {
    /// Writes a line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Whether stdout is a terminal (colour and live progress only then).
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Whether stderr is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) != 0 }
}
