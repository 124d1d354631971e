import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PostgresConnection {
    /// Sends one command with `send` (a `PQsend…` call) and collects every result of it, waiting on
    /// the socket only until `deadline`. libpq's blocking calls (`PQexec`) would wait for a frozen
    /// server forever, holding one of the pool's few threads.
    func roundTrip(
        until deadline: ContinuousClock.Instant,
        _ send: (OpaquePointer) -> Int32
    ) throws(SQLError) -> [PostgresResult] {
        guard let handle = self.handle, !self.abandoned else {
            throw SQLError(.unavailable, "the connection is closed")
        }
        guard send(handle) == 1 else {
            // Either the connection broke or an earlier answer is still pending; neither can recover.
            self.abandoned = true
            throw SQLError.postgresConnection(handle, "cannot send to PostgreSQL")
        }
        try self.flush(handle, until: deadline)
        var results: [PostgresResult] = []
        while true {
            while PQisBusy(handle) != 0 {
                try self.wait(handle, for: POLLIN, until: deadline)
                guard PQconsumeInput(handle) == 1 else {
                    self.abandoned = true
                    throw SQLError.postgresConnection(handle, "lost the connection to PostgreSQL")
                }
            }
            guard let pointer = PQgetResult(handle) else { return results }
            let result = PostgresResult(pointer)
            if result.isCopy {
                self.abandoned = true
                throw SQLError(.query, "COPY is not supported")
            }
            results.append(result)
        }
    }

    /// In non-blocking mode a command longer than the socket buffer is sent in parts.
    private func flush(_ handle: OpaquePointer, until deadline: ContinuousClock.Instant) throws(SQLError) {
        while true {
            let status = PQflush(handle)
            if status == 0 { return }
            if status == 1 {
                // libpq's documented loop: the server may need to be read from before it reads more.
                try self.wait(handle, for: POLLIN | POLLOUT, until: deadline)
                if PQconsumeInput(handle) == 1 { continue }
            }
            self.abandoned = true
            throw SQLError.postgresConnection(handle, "cannot send to PostgreSQL")
        }
    }

    private func wait(_ handle: OpaquePointer, for events: Int32, until deadline: ContinuousClock.Instant)
        throws(SQLError)
    {
        guard PostgresSocket.wait(PQsocket(handle), for: events, until: deadline) else {
            self.abandoned = true
            throw SQLError(.unavailable, "PostgreSQL did not answer within \(self.queryTimeout)")
        }
    }
}
