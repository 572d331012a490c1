// SQL behind the creator catalog. Statements use $n placeholders and portable
// types so the same SQL serves SQLite and PostgreSQL.
#include "services/search/creator_store.h"

#include <limits>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/store/migrations.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "services/search/workspace_mark_store.h"

namespace microreach::search {
namespace {

using common::v1::Creator;
using store::Value;

}  // namespace

std::vector<store::Migration> SearchStoreMigrations() {
  std::vector<store::Migration> migrations = store::BaseMigrations();
  migrations.push_back({100, "creators", R"sql(
CREATE TABLE creators (
  creator_id TEXT PRIMARY KEY,
  platform BIGINT NOT NULL,
  handle TEXT NOT NULL,
  version BIGINT NOT NULL,
  deleted BIGINT NOT NULL DEFAULT 0,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  profile BYTEA
);
CREATE UNIQUE INDEX creators_live_handle ON creators (platform, handle) WHERE deleted = 0;
CREATE UNIQUE INDEX creators_version ON creators (version);
CREATE TABLE catalog_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO catalog_meta (name, value) VALUES ('version', 0);
)sql"});
  migrations.push_back(WorkspaceMarksMigration());
  return migrations;
}

namespace {

// Deterministic bytes, so an unchanged record compares equal.
std::string Serialize(const Creator& creator) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  creator.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

void SetTimes(int64_t version, int64_t create_us, int64_t update_us, Creator* c) {
  c->set_version(version);
  *c->mutable_create_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(create_us);
  *c->mutable_update_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(update_us);
}

absl::StatusOr<int64_t> ReadVersion(store::Transaction& txn) {
  auto rows = txn.Query("SELECT value FROM catalog_meta WHERE name = 'version'");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::DataLossError("catalog_meta has no version row");
  return store::AsInt64((*rows)[0][0]).value_or(0);
}

absl::Status WriteVersion(store::Transaction& txn, int64_t version) {
  return txn.Execute("UPDATE catalog_meta SET value = $1 WHERE name = 'version'", {Value(version)})
      .status();
}

// Decodes a profile row: creator_id, version, deleted, create_us, update_us, profile.
absl::StatusOr<CatalogChange> DecodeChange(const store::Row& row) {
  CatalogChange change;
  change.creator_id = std::string(store::AsText(row[0]).value_or(""));
  change.version = store::AsInt64(row[1]).value_or(0);
  change.deleted = store::AsInt64(row[2]).value_or(0) != 0;
  if (change.deleted) return change;
  auto blob = store::AsBlob(row[5]);
  if (!blob || !change.creator.ParseFromArray(blob->data(), static_cast<int>(blob->size()))) {
    return absl::DataLossError(
        absl::StrCat("stored profile of ", change.creator_id, " cannot be decoded"));
  }
  SetTimes(change.version, store::AsInt64(row[3]).value_or(0), store::AsInt64(row[4]).value_or(0),
           &change.creator);
  return change;
}

constexpr char kSelectColumns[] =
    "SELECT creator_id, version, deleted, create_time_us, update_time_us, profile FROM creators ";

}  // namespace

absl::StatusOr<std::unique_ptr<CreatorStore>> CreatorStore::Open(
    std::unique_ptr<store::Database> db) {
  if (auto applied = store::Migrate(*db, SearchStoreMigrations()); !applied.ok()) {
    return applied.status();
  }
  return std::unique_ptr<CreatorStore>(new CreatorStore(std::move(db)));
}

absl::StatusOr<std::vector<RecordResult>> CreatorStore::Upsert(
    absl::Span<const Creator> batch, absl::Time now, std::vector<CatalogChange>* changes) {
  std::vector<Creator> copies(batch.begin(), batch.end());
  std::vector<Creator*> pointers;
  pointers.reserve(copies.size());
  for (Creator& c : copies) pointers.push_back(&c);
  auto results = Upsert(absl::MakeConstSpan(pointers), now, changes);
  // The copies die here: the changes take the profiles over.
  if (results.ok() && changes != nullptr) {
    for (CatalogChange& change : *changes) {
      change.creator = std::move(copies[static_cast<size_t>(change.source - copies.data())]);
      change.source = nullptr;
    }
  }
  return results;
}

namespace {

// IN lists are padded to one of these lengths (repeating the last value), so
// a handful of statements serve every batch and stay in the statement cache.
constexpr size_t kInListSizes[] = {1, 4, 16, 64, 256};
// Rows per multi-row INSERT, largest first (each a cached statement).
constexpr size_t kInsertRowSizes[] = {64, 16, 4, 1};
constexpr int kInsertColumns = 7;

size_t PaddedSize(size_t n) {
  for (size_t size : kInListSizes) {
    if (n <= size) return size;
  }
  return kInListSizes[std::size(kInListSizes) - 1];
}

// "$first, $first+1, ..., $first+n-1"
void AppendPlaceholders(size_t first, size_t n, std::string* sql) {
  for (size_t i = 0; i < n; ++i) absl::StrAppend(sql, i == 0 ? "$" : ", $", first + i);
}

// What the batch knows of one creator_id: the stored row, then the effect of
// the batch's earlier records on it.
struct KnownRow {
  bool exists = false;
  bool live = false;
  int64_t version = 0;
  int64_t create_us = 0;
  int64_t platform = 0;
  std::string handle;
  // The serialized profile (without output-only fields): the stored one, or
  // bytes[record] once a record of the batch wrote it.
  std::string stored_profile;
  int64_t record = -1;
};

using HandleKey = std::pair<int64_t, std::string>;

// Reads the stored rows of `ids` (distinct) into *known.
absl::Status ReadKnownRows(store::Transaction& txn, const std::vector<std::string>& ids,
                           absl::flat_hash_map<std::string, KnownRow>* known) {
  for (size_t start = 0; start < ids.size();) {
    const size_t n = std::min(ids.size() - start, kInListSizes[std::size(kInListSizes) - 1]);
    const size_t padded = PaddedSize(n);
    std::string sql =
        "SELECT creator_id, version, deleted, create_time_us, platform, handle, profile "
        "FROM creators WHERE creator_id IN (";
    AppendPlaceholders(1, padded, &sql);
    sql += ")";
    std::vector<Value> params;
    params.reserve(padded);
    for (size_t i = 0; i < padded; ++i) params.emplace_back(ids[start + std::min(i, n - 1)]);
    auto rows = txn.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (store::Row& row : *rows) {
      KnownRow& k = (*known)[std::string(store::AsText(row[0]).value_or(""))];
      k.exists = true;
      k.live = store::AsInt64(row[2]).value_or(0) == 0;
      k.version = store::AsInt64(row[1]).value_or(0);
      k.create_us = store::AsInt64(row[3]).value_or(0);
      k.platform = store::AsInt64(row[4]).value_or(0);
      k.handle = std::string(store::AsText(row[5]).value_or(""));
      if (auto* blob = std::get_if<store::Blob>(&row[6])) k.stored_profile = std::move(blob->bytes);
    }
    start += n;
  }
  return absl::OkStatus();
}

// Reads the live owners of the (platform, handle) pairs of `handles`
// (distinct handles per platform) into *owners.
absl::Status ReadHandleOwners(store::Transaction& txn,
                              const absl::flat_hash_map<int64_t, std::vector<std::string>>& handles,
                              absl::flat_hash_map<HandleKey, std::string>* owners) {
  for (const auto& [platform, list] : handles) {
    for (size_t start = 0; start < list.size();) {
      const size_t n = std::min(list.size() - start, kInListSizes[std::size(kInListSizes) - 1]);
      const size_t padded = PaddedSize(n);
      std::string sql =
          "SELECT creator_id, handle FROM creators WHERE deleted = 0 AND platform = $1 AND "
          "handle IN (";
      AppendPlaceholders(2, padded, &sql);
      sql += ")";
      std::vector<Value> params;
      params.reserve(padded + 1);
      params.emplace_back(platform);
      for (size_t i = 0; i < padded; ++i) params.emplace_back(list[start + std::min(i, n - 1)]);
      auto rows = txn.Query(sql, params);
      if (!rows.ok()) return rows.status();
      for (const store::Row& row : *rows) {
        (*owners)[HandleKey(platform, std::string(store::AsText(row[1]).value_or("")))] =
            std::string(store::AsText(row[0]).value_or(""));
      }
      start += n;
    }
  }
  return absl::OkStatus();
}

// One accepted record, written in batch order.
struct PendingWrite {
  size_t record;  // index in the batch
  bool update;    // the row exists (live or tombstone): UPDATE, else INSERT
  int64_t version;
  int64_t create_us;
};

absl::Status InsertRows(store::Transaction& txn, absl::Span<Creator* const> batch,
                        absl::Span<const std::string> bytes, absl::Span<const PendingWrite> rows,
                        int64_t now_us) {
  for (size_t start = 0; start < rows.size();) {
    size_t n = 1;
    for (size_t size : kInsertRowSizes) {
      if (rows.size() - start >= size) {
        n = size;
        break;
      }
    }
    std::string sql =
        "INSERT INTO creators (creator_id, platform, handle, version, deleted, create_time_us, "
        "update_time_us, profile) VALUES ";
    std::vector<Value> params;
    params.reserve(n * kInsertColumns);
    for (size_t i = 0; i < n; ++i) {
      const size_t p = i * kInsertColumns;
      absl::StrAppend(&sql, i == 0 ? "" : ", ", "($", p + 1, ", $", p + 2, ", $", p + 3, ", $",
                      p + 4, ", 0, $", p + 5, ", $", p + 6, ", $", p + 7, ")");
      const PendingWrite& w = rows[start + i];
      const Creator& c = *batch[w.record];
      params.emplace_back(c.creator_id());
      params.emplace_back(int64_t{c.platform()});
      params.emplace_back(c.handle());
      params.emplace_back(w.version);
      params.emplace_back(w.create_us);
      params.emplace_back(now_us);
      params.emplace_back(store::Blob{bytes[w.record]});
    }
    if (auto inserted = txn.Execute(sql, params); !inserted.ok()) return inserted.status();
    start += n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<RecordResult>> CreatorStore::Upsert(
    absl::Span<Creator* const> batch, absl::Time now, std::vector<CatalogChange>* changes) {
  std::vector<RecordResult> results;
  std::vector<PendingWrite> writes;
  // Serialised once, outside the transaction (which may be retried).
  std::vector<std::string> bytes(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) bytes[i] = Serialize(*batch[i]);
  std::vector<std::string> ids;
  absl::flat_hash_map<int64_t, std::vector<std::string>> handles;
  {
    absl::flat_hash_set<absl::string_view> seen_ids;
    absl::flat_hash_set<HandleKey> seen_handles;
    for (const Creator* c : batch) {
      if (seen_ids.insert(c->creator_id()).second) ids.push_back(c->creator_id());
      if (seen_handles.emplace(int64_t{c->platform()}, c->handle()).second) {
        handles[c->platform()].push_back(c->handle());
      }
    }
  }
  const int64_t now_us = Micros(now);
  absl::Status status = db_->RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    // The transaction may be retried on contention: start from scratch.
    results.assign(batch.size(), RecordResult{});
    writes.clear();
    absl::StatusOr<int64_t> version = ReadVersion(txn);
    if (!version.ok()) return version.status();
    absl::flat_hash_map<std::string, KnownRow> known;
    known.reserve(ids.size());
    if (absl::Status s = ReadKnownRows(txn, ids, &known); !s.ok()) return s;
    absl::flat_hash_map<HandleKey, std::string> owners;
    if (absl::Status s = ReadHandleOwners(txn, handles, &owners); !s.ok()) return s;
    // Stored handles of the batch's ids that are not among the batch's
    // handles: needed to free them when their creator moves.
    for (const auto& [id, row] : known) {
      if (row.live) owners.try_emplace(HandleKey(row.platform, row.handle), id);
    }

    int64_t next = *version;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Creator& c = *batch[i];
      KnownRow& row = known[c.creator_id()];
      const std::string& current = row.record >= 0 ? bytes[row.record] : row.stored_profile;
      if (row.live && current == bytes[i]) {
        results[i] = {WriteOutcome::kUnchanged, row.version, "", ""};
        continue;
      }
      HandleKey key(int64_t{c.platform()}, c.handle());
      if (auto owner = owners.find(key); owner != owners.end() && owner->second != c.creator_id()) {
        results[i] = {WriteOutcome::kRejected, 0, "handle",
                      absl::StrCat("\"", c.handle(), "\" on this platform already belongs to ",
                                   owner->second)};
        continue;
      }
      ++next;
      const int64_t create_us = row.live ? row.create_us : now_us;
      writes.push_back({i, row.exists, next, create_us});
      results[i] = {row.live ? WriteOutcome::kUpdated : WriteOutcome::kCreated, next, "", ""};
      if (row.live) {
        if (auto old = owners.find(HandleKey(row.platform, row.handle));
            old != owners.end() && old->second == c.creator_id()) {
          owners.erase(old);
        }
      }
      owners[std::move(key)] = c.creator_id();
      row.exists = true;
      row.live = true;
      row.version = next;
      row.create_us = create_us;
      row.platform = c.platform();
      row.handle = c.handle();
      row.record = static_cast<int64_t>(i);
    }

    // Writes in batch order, so the live-handle index never sees two owners;
    // runs of new rows go in together.
    for (size_t w = 0; w < writes.size();) {
      if (!writes[w].update) {
        size_t end = w;
        while (end < writes.size() && !writes[end].update) ++end;
        if (absl::Status s = InsertRows(txn, batch, bytes,
                                        absl::MakeConstSpan(writes).subspan(w, end - w), now_us);
            !s.ok()) {
          return s;
        }
        w = end;
        continue;
      }
      const PendingWrite& pw = writes[w++];
      const Creator& c = *batch[pw.record];
      auto n = txn.Execute(
          "UPDATE creators SET platform = $2, handle = $3, version = $4, deleted = 0, "
          "create_time_us = $5, update_time_us = $6, profile = $7 WHERE creator_id = $1",
          {Value(c.creator_id()), Value(int64_t{c.platform()}), Value(c.handle()),
           Value(pw.version), Value(pw.create_us), Value(now_us),
           Value(store::Blob{bytes[pw.record]})});
      if (!n.ok()) return n.status();
    }
    if (next != *version) return WriteVersion(txn, next);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (changes != nullptr) {
    changes->clear();
    changes->reserve(writes.size());
    for (const PendingWrite& w : writes) {
      Creator* c = batch[w.record];
      CatalogChange& change = changes->emplace_back();
      change.version = w.version;
      change.creator_id = c->creator_id();
      SetTimes(w.version, w.create_us, now_us, c);
      change.source = c;
    }
  }
  return results;
}

absl::StatusOr<std::optional<CatalogChange>> CreatorStore::Delete(const std::string& creator_id,
                                                                  absl::Time now) {
  std::optional<CatalogChange> change;
  absl::Status status = db_->RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    change.reset();
    auto existing =
        txn.Query("SELECT deleted FROM creators WHERE creator_id = $1", {Value(creator_id)});
    if (!existing.ok()) return existing.status();
    if (existing->empty() || store::AsInt64((*existing)[0][0]).value_or(0) != 0) {
      return absl::OkStatus();
    }
    absl::StatusOr<int64_t> version = ReadVersion(txn);
    if (!version.ok()) return version.status();
    const int64_t next = *version + 1;
    auto n = txn.Execute(
        "UPDATE creators SET deleted = 1, version = $2, update_time_us = $3, profile = NULL "
        "WHERE creator_id = $1",
        {Value(creator_id), Value(next), Value(Micros(now))});
    if (!n.ok()) return n.status();
    change = CatalogChange{next, creator_id, true, {}};
    return WriteVersion(txn, next);
  });
  if (!status.ok()) return status;
  return change;
}

absl::StatusOr<std::optional<Creator>> CreatorStore::Get(const std::string& creator_id) {
  std::optional<Creator> out;
  absl::Status status = db_->RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    auto rows = txn.Query(absl::StrCat(kSelectColumns, "WHERE creator_id = $1 AND deleted = 0"),
                          {Value(creator_id)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return absl::OkStatus();
    absl::StatusOr<CatalogChange> change = DecodeChange((*rows)[0]);
    if (!change.ok()) return change.status();
    out = std::move(change->creator);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::optional<Creator>>> CreatorStore::GetMany(
    absl::Span<const std::string> creator_ids) {
  std::vector<std::optional<Creator>> out(creator_ids.size());
  absl::flat_hash_map<std::string, std::vector<size_t>> positions;
  for (size_t i = 0; i < creator_ids.size(); ++i) positions[creator_ids[i]].push_back(i);
  std::vector<std::string> distinct;
  distinct.reserve(positions.size());
  for (const auto& [id, unused] : positions) distinct.push_back(id);
  // Bounded IN lists keep statements cacheable and under parameter limits.
  constexpr size_t kChunk = 256;
  absl::Status status = db_->RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    for (size_t start = 0; start < distinct.size(); start += kChunk) {
      const size_t n = std::min(kChunk, distinct.size() - start);
      std::string sql = absl::StrCat(kSelectColumns, "WHERE deleted = 0 AND creator_id IN (");
      std::vector<Value> params;
      params.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        absl::StrAppend(&sql, i == 0 ? "$" : ", $", i + 1);
        params.emplace_back(distinct[start + i]);
      }
      sql += ")";
      auto rows = txn.Query(sql, params);
      if (!rows.ok()) return rows.status();
      for (const store::Row& row : *rows) {
        absl::StatusOr<CatalogChange> change = DecodeChange(row);
        if (!change.ok()) return change.status();
        for (size_t pos : positions[change->creator_id]) out[pos] = change->creator;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<CatalogChange>> CreatorStore::ChangesSince(int64_t after_version,
                                                                      int limit) {
  std::vector<CatalogChange> out;
  absl::Status status = db_->RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    out.clear();
    auto rows =
        txn.Query(absl::StrCat(kSelectColumns, "WHERE version > $1 ORDER BY version LIMIT $2"),
                  {Value(after_version), Value(int64_t{limit})});
    if (!rows.ok()) return rows.status();
    out.reserve(rows->size());
    for (const store::Row& row : *rows) {
      absl::StatusOr<CatalogChange> change = DecodeChange(row);
      if (!change.ok()) return change.status();
      out.push_back(*std::move(change));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<int64_t> CreatorStore::LatestVersion() {
  int64_t version = 0;
  absl::Status status = db_->RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> v = ReadVersion(txn);
    if (!v.ok()) return v.status();
    version = *v;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return version;
}

absl::StatusOr<int64_t> CreatorStore::CatalogId() {
  std::random_device seed;
  std::mt19937_64 bits((uint64_t{seed()} << 32) ^ seed());
  const int64_t candidate =
      std::uniform_int_distribution<int64_t>(1, std::numeric_limits<int64_t>::max())(bits);
  int64_t id = 0;
  absl::Status status = db_->RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    // The first process to ask draws it; a concurrent one keeps the winner's.
    auto inserted = txn.Execute(
        "INSERT INTO catalog_meta (name, value) VALUES ('catalog_id', $1) "
        "ON CONFLICT (name) DO NOTHING",
        {Value(candidate)});
    if (!inserted.ok()) return inserted.status();
    auto rows = txn.Query("SELECT value FROM catalog_meta WHERE name = 'catalog_id'");
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return absl::DataLossError("catalog_meta has no catalog_id row");
    id = store::AsInt64((*rows)[0][0]).value_or(0);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return id;
}

}  // namespace microreach::search
