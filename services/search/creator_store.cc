// SQL behind the creator catalog. Statements use $n placeholders and portable
// types so the same SQL serves SQLite and PostgreSQL.
#include "services/search/creator_store.h"

#include "absl/container/flat_hash_map.h"
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
  std::vector<RecordResult> results;
  std::vector<CatalogChange> written;
  absl::Status status = db_->RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    // The transaction may be retried on contention: start from scratch.
    results.assign(batch.size(), RecordResult{});
    written.clear();
    absl::StatusOr<int64_t> version = ReadVersion(txn);
    if (!version.ok()) return version.status();
    int64_t next = *version;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Creator& c = batch[i];
      const std::string bytes = Serialize(c);
      auto existing = txn.Query(
          "SELECT version, deleted, create_time_us, profile FROM creators WHERE creator_id = $1",
          {Value(c.creator_id())});
      if (!existing.ok()) return existing.status();
      const bool exists = !existing->empty();
      const bool live = exists && store::AsInt64((*existing)[0][1]).value_or(0) == 0;
      if (live && store::AsBlob((*existing)[0][3]).value_or("") == bytes) {
        results[i] = {WriteOutcome::kUnchanged, store::AsInt64((*existing)[0][0]).value_or(0), "",
                      ""};
        continue;
      }
      auto taken = txn.Query(
          "SELECT creator_id FROM creators WHERE platform = $1 AND handle = $2 AND deleted = 0 "
          "AND creator_id <> $3",
          {Value(int64_t{c.platform()}), Value(c.handle()), Value(c.creator_id())});
      if (!taken.ok()) return taken.status();
      if (!taken->empty()) {
        results[i] = {
            WriteOutcome::kRejected, 0, "handle",
            absl::StrCat("\"", c.handle(), "\" on this platform already belongs to ",
                         std::string(store::AsText((*taken)[0][0]).value_or("another creator")))};
        continue;
      }
      ++next;
      const int64_t now_us = Micros(now);
      const int64_t create_us = live ? store::AsInt64((*existing)[0][2]).value_or(now_us) : now_us;
      absl::StatusOr<int64_t> n =
          exists ? txn.Execute(
                       "UPDATE creators SET platform = $2, handle = $3, version = $4, deleted = 0, "
                       "create_time_us = $5, update_time_us = $6, profile = $7 "
                       "WHERE creator_id = $1",
                       {Value(c.creator_id()), Value(int64_t{c.platform()}), Value(c.handle()),
                        Value(next), Value(create_us), Value(now_us), Value(store::Blob{bytes})})
                 : txn.Execute(
                       "INSERT INTO creators (creator_id, platform, handle, version, deleted, "
                       "create_time_us, update_time_us, profile) "
                       "VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
                       {Value(c.creator_id()), Value(int64_t{c.platform()}), Value(c.handle()),
                        Value(next), Value(create_us), Value(now_us), Value(store::Blob{bytes})});
      if (!n.ok()) return n.status();
      results[i] = {live ? WriteOutcome::kUpdated : WriteOutcome::kCreated, next, "", ""};
      CatalogChange change{next, c.creator_id(), false, c};
      SetTimes(next, create_us, now_us, &change.creator);
      written.push_back(std::move(change));
    }
    if (next != *version) return WriteVersion(txn, next);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (changes != nullptr) *changes = std::move(written);
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

}  // namespace microreach::search
