// The Store's schema and its migrations, versioned by PRAGMA user_version.
// Every step runs in its own IMMEDIATE transaction, so a crash mid-migration
// leaves the previous version intact. Called by Store::Open only.
#pragma once

#include "common/status.hpp"
#include "coordinator/sqlite/database.hpp"

namespace fedq::coordinator {

// The schema version this build writes and reads.
inline constexpr int kSchemaVersion = 2;

// Brings `db` from whatever version it has (0 = empty) to kSchemaVersion.
// A database from a newer build is refused, untouched.
Status MigrateSchema(sqlite::Database& db);

}  // namespace fedq::coordinator
