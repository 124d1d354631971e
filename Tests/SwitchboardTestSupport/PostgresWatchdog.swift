import Foundation

/// A shell that ties a test server (a PostgreSQL cluster, a redis-server) to the test process: it
/// optionally starts one server process as its child, then waits for the test process to go,
/// however it goes (a crash, `SIGKILL`, Ctrl-C), stops the server and removes its directory.
///
/// It ignores the signals a terminal or CI runner sends the whole process group, so that it is
/// still there to clean up when the test process is not. It is never waited for: Foundation only
/// reports a child's exit once every process that inherited its descriptors has exited, and the
/// server inherits them.
///
/// (Shared by PostgreSQL and Redis; the file keeps its old name until it can be renamed.)
enum ServerWatchdog {
    /// How the watchdog finds the running server at the end, whichever watchdog started it, and
    /// stops it.
    struct Server: Sendable {
        /// A file whose first line is the server's process id.
        var pidFile: URL
        /// The server's working directory: a stale pid file may name an unrelated process by then,
        /// and this tells them apart.
        var workingDirectory: URL
        /// The signal (a name for `kill -s`) that stops the server and its children at once.
        var stopSignal: String
    }

    /// Starts the watchdog; `command` (may be empty) runs in the background with its output appended
    /// to `log`, and `exitMarker` is written with its exit status when it ends.
    static func launch(
        testProcess: pid_t,
        directory: URL,
        server: Server,
        command: [String] = [],
        log: URL? = nil,
        exitMarker: URL? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let fixed = [
            String(testProcess), directory.path, log?.path ?? "/dev/null", exitMarker?.path ?? "/dev/null",
            server.pidFile.path, server.workingDirectory.path, server.stopSignal,
        ]
        process.arguments = ["-c", Self.script, "server-watchdog"] + fixed + command
        // The server's user (`postgres`) may not be allowed into the directory the tests were started from.
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ProcessToolsError("cannot start the watchdog for \(command.first ?? "a test server"): \(error)")
        }
    }

    /// The stop signal goes first (PostgreSQL's SIGQUIT is its immediate shutdown, which takes its
    /// backends down too), then SIGCONT undoes a freeze a test left, then SIGKILL after 5 s.
    private static let script = #"""
        trap '' INT HUP TERM
        test_pid=$1 dir=$2 log=$3 marker=$4 pidfile=$5 workdir=$6 stopsig=$7
        shift 7
        if [ $# -gt 0 ]; then
            # The subshell stays the server's parent: it reaps it and records how it ended.
            ( "$@" >>"$log" 2>&1 </dev/null; echo "$?" >"$marker" ) &
        fi
        while kill -0 "$test_pid" 2>/dev/null; do sleep 0.5; done
        alive() { ps -o stat= -p "$1" | grep -qv '^Z'; }
        pid=$(head -n 1 "$pidfile" 2>/dev/null)
        work=$(cd "$workdir" 2>/dev/null && pwd -P)
        if [ -n "$pid" ] && [ -n "$work" ] && [ "$(readlink "/proc/$pid/cwd")" = "$work" ]; then
            children=$(ps -o pid= --ppid "$pid")
            kill -s "$stopsig" "$pid" 2>/dev/null
            kill -CONT "$pid" $children 2>/dev/null
            i=0
            while [ $i -lt 50 ] && alive "$pid"; do sleep 0.1; i=$((i + 1)); done
            if alive "$pid"; then kill -KILL "$pid" $children 2>/dev/null; fi
        fi
        wait
        # Another watchdog's subshell may still be writing its exit marker into the directory.
        rm -rf "$dir" 2>/dev/null || { sleep 0.5; rm -rf "$dir"; }
        """#
}
