// Per-workspace mark sets, their resolution into excluded creators, and the
// store-first, version-ordered application that keeps them current.
#include "services/search/workspace_marks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace microreach::search {
namespace {

constexpr int kFeedPage = 5000;

absl::Status TooMany(absl::string_view field, size_t limit) {
  const std::string path = absl::StrCat("filter.workspace.", field);
  return status::PreconditionFailed(
      "EXCLUSION_LIMIT", path,
      absl::StrCat(path, " excludes more than ", limit,
                   " creators of this workspace, the most one search can exclude; narrow it "
                   "(fewer contact days, fewer campaigns) or split the search"));
}

}  // namespace

void WorkspaceMarks::Apply(absl::Span<const MarkChange> changes) {
  if (changes.empty()) return;
  absl::MutexLock lock(&mu_);
  for (const MarkChange& c : changes) ApplyLocked(c);
}

void WorkspaceMarks::ApplyLocked(const MarkChange& c) {
  auto ws = workspaces_.find(c.workspace_id);
  if (ws == workspaces_.end()) {
    if (c.cleared) return;
    ws = workspaces_.try_emplace(c.workspace_id).first;
  }
  Workspace& w = ws->second;
  switch (c.kind) {
    case MarkKind::kBlocklisted:
      if (c.cleared) {
        size_ -= static_cast<int64_t>(w.blocklisted.erase(c.creator_id));
      } else {
        size_ += w.blocklisted.insert(c.creator_id).second ? 1 : 0;
      }
      break;
    case MarkKind::kInCampaign: {
      if (c.cleared) {
        auto campaign = w.campaigns.find(c.campaign_id);
        if (campaign == w.campaigns.end() || campaign->second.erase(c.creator_id) == 0) break;
        if (campaign->second.empty()) w.campaigns.erase(campaign);
        auto count = w.in_campaigns.find(c.creator_id);
        if (count != w.in_campaigns.end() && --count->second <= 0) w.in_campaigns.erase(count);
        --size_;
      } else if (w.campaigns[c.campaign_id].insert(c.creator_id).second) {
        ++w.in_campaigns[c.creator_id];
        ++size_;
      }
      break;
    }
    case MarkKind::kContacted:
      if (c.cleared) {
        size_ -= static_cast<int64_t>(w.contacted.erase(c.creator_id));
      } else {
        // The store keeps the latest contact, so the change carries it.
        auto [it, inserted] = w.contacted.try_emplace(c.creator_id, c.contacted_at);
        if (inserted) {
          ++size_;
        } else {
          it->second = c.contacted_at;
        }
      }
      break;
  }
  if (w.empty()) workspaces_.erase(ws);
}

absl::StatusOr<std::vector<std::string>> WorkspaceMarks::Resolve(
    absl::string_view workspace, const common::v1::WorkspaceFilter& filter, absl::Time now,
    size_t limit) const {
  std::vector<std::string> out;
  const bool blocklist = filter.exclude_blocklisted();
  const bool any_campaign = filter.exclude_in_any_campaign();
  const bool some_campaigns = !any_campaign && filter.exclude_in_campaign_ids_size() > 0;
  const bool contacted = filter.has_exclude_contacted_within_days();
  if (!blocklist && !any_campaign && !some_campaigns && !contacted) return out;

  absl::ReaderMutexLock lock(&mu_);
  auto ws = workspaces_.find(workspace);
  if (ws == workspaces_.end()) return out;
  const Workspace& w = ws->second;
  // Views into the sets, copied to strings once at the end because the
  // index takes strings. Each set holds distinct ids, so only a union of
  // several needs de-duplicating.
  const int sources = (blocklist ? 1 : 0) + (any_campaign ? 1 : 0) + (contacted ? 1 : 0) +
                      (some_campaigns ? filter.exclude_in_campaign_ids_size() : 0);
  const bool dedupe = sources > 1;
  absl::flat_hash_set<absl::string_view> seen;
  std::vector<absl::string_view> ids;
  auto add = [&](absl::string_view id, absl::string_view field) -> absl::Status {
    if (dedupe && !seen.insert(id).second) return absl::OkStatus();
    ids.push_back(id);
    if (ids.size() > limit) return TooMany(field, limit);
    return absl::OkStatus();
  };
  if (blocklist) {
    if (w.blocklisted.size() > limit) return TooMany("exclude_blocklisted", limit);
    for (const std::string& id : w.blocklisted) {
      if (absl::Status s = add(id, "exclude_blocklisted"); !s.ok()) return s;
    }
  }
  if (any_campaign) {
    if (w.in_campaigns.size() > limit) return TooMany("exclude_in_any_campaign", limit);
    for (const auto& [id, unused] : w.in_campaigns) {
      if (absl::Status s = add(id, "exclude_in_any_campaign"); !s.ok()) return s;
    }
  } else if (some_campaigns) {
    for (const std::string& campaign_id : filter.exclude_in_campaign_ids()) {
      auto campaign = w.campaigns.find(campaign_id);
      if (campaign == w.campaigns.end()) continue;
      for (const std::string& id : campaign->second) {
        if (absl::Status s = add(id, "exclude_in_campaign_ids"); !s.ok()) return s;
      }
    }
  }
  if (contacted) {
    const absl::Time since = now - absl::Hours(24) * filter.exclude_contacted_within_days();
    for (const auto& [id, at] : w.contacted) {
      if (at < since) continue;
      if (absl::Status s = add(id, "exclude_contacted_within_days"); !s.ok()) return s;
    }
  }
  out.reserve(ids.size());
  for (absl::string_view id : ids) out.emplace_back(id);
  return out;
}

WorkspaceMarks::Counts WorkspaceMarks::CountsOf(absl::string_view workspace) const {
  absl::ReaderMutexLock lock(&mu_);
  Counts counts;
  auto ws = workspaces_.find(workspace);
  if (ws == workspaces_.end()) return counts;
  counts.blocklisted = static_cast<int64_t>(ws->second.blocklisted.size());
  for (const auto& [unused, count] : ws->second.in_campaigns) counts.campaign_memberships += count;
  counts.contacted = static_cast<int64_t>(ws->second.contacted.size());
  return counts;
}

int64_t WorkspaceMarks::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return size_;
}

WorkspaceExclusions::WorkspaceExclusions(WorkspaceMarkStore& store, Clock clock)
    : store_(store), clock_(std::move(clock)) {}

absl::Status WorkspaceExclusions::Load() {
  absl::MutexLock lock(&apply_mu_);
  return CatchUpLocked();
}

absl::Status WorkspaceExclusions::CatchUp() {
  absl::MutexLock lock(&apply_mu_);
  return CatchUpLocked();
}

absl::Status WorkspaceExclusions::CatchUpLocked() {
  while (true) {
    auto changes = store_.ChangesSince(applied_version_, kFeedPage);
    if (!changes.ok()) return changes.status();
    if (changes->empty()) return absl::OkStatus();
    marks_.Apply(*changes);
    applied_version_ = changes->back().version;
    if (static_cast<int>(changes->size()) < kFeedPage) return absl::OkStatus();
  }
}

absl::StatusOr<MarkWriteResult> WorkspaceExclusions::Update(absl::string_view workspace,
                                                            absl::Span<const MarkUpdate> marks,
                                                            const MarkRequestId* request_id) {
  std::vector<MarkChange> changes;
  // Holding apply_mu_ across the commit keeps the poller from reading our
  // own rows back before we apply them.
  absl::MutexLock lock(&apply_mu_);
  auto result = store_.Write(std::string_view(workspace.data(), workspace.size()), marks,
                             request_id, clock_(), &changes);
  if (!result.ok()) return result;
  if (changes.empty()) {
    // Nothing written (all unchanged, or a replay): the caller may still
    // expect what the store holds up to the answered version.
    if (result->version > applied_version_) {
      if (absl::Status s = CatchUpLocked(); !s.ok()) return s;
    }
    return result;
  }
  // Our commit is contiguous; anything between the applied version and it
  // came from another process and is read from the store first.
  if (changes.front().version != applied_version_ + 1) {
    if (absl::Status s = CatchUpLocked(); !s.ok()) return s;
  }
  if (changes.back().version > applied_version_) {
    marks_.Apply(changes);
    applied_version_ = changes.back().version;
  }
  return result;
}

int64_t WorkspaceExclusions::applied_version() const {
  absl::MutexLock lock(&apply_mu_);
  return applied_version_;
}

}  // namespace microreach::search
