// SQLite 3 (libsqlite3-dev): the embedded default database.
#include <sqlite3.h>
