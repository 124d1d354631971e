import Foundation

/// A shell that ties a cluster to the test process: it optionally starts one server process as its
/// child, then waits for the test process to go, however it goes (a crash, `SIGKILL`, Ctrl-C), and
/// shuts the cluster down and removes its directory.
///
/// It ignores the signals a terminal or CI runner sends the whole process group, so that it is
/// still there to clean up when the test process is not. It is never waited for: Foundation only
/// reports a child's exit once every process that inherited its descriptors has exited, and the
/// server inherits them.
enum PostgresWatchdog {
    /// Starts the watchdog; `command` (may be empty) runs in the background with its output appended
    /// to `log`, and `exitMarker` is written with its exit status when it ends.
    static func launch(
        testProcess: pid_t,
        directory: URL,
        command: [String] = [],
        log: URL? = nil,
        exitMarker: URL? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let fixed = [String(testProcess), directory.path, log?.path ?? "/dev/null", exitMarker?.path ?? "/dev/null"]
        process.arguments = ["-c", Self.script, "postgres-watchdog"] + fixed + command
        // The `postgres` user may not be allowed into the directory the tests were started from.
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PostgresTestError("cannot start the PostgreSQL watchdog: \(error)")
        }
    }

    /// `postmaster.pid` names the running postmaster, whichever watchdog started it; SIGQUIT is its
    /// immediate shutdown, which takes its backends down too, and SIGCONT undoes a freeze a test left.
    private static let script = #"""
        trap '' INT HUP TERM
        test_pid=$1 dir=$2 log=$3 marker=$4
        shift 4
        if [ $# -gt 0 ]; then
            # The subshell stays the server's parent: it reaps it and records how it ended.
            ( "$@" >>"$log" 2>&1 </dev/null; echo "$?" >"$marker" ) &
        fi
        while kill -0 "$test_pid" 2>/dev/null; do sleep 0.5; done
        alive() { ps -o stat= -p "$1" | grep -qv '^Z'; }
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
        data=$(cd "$dir/data" 2>/dev/null && pwd -P)
        # A stale pid file may name an unrelated process by now; the postmaster's cwd is its data directory.
        if [ -n "$pid" ] && [ -n "$data" ] && [ "$(readlink "/proc/$pid/cwd")" = "$data" ]; then
            children=$(ps -o pid= --ppid "$pid")
            kill -QUIT "$pid" 2>/dev/null
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
