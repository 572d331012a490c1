// Cache-first profile reads with the search fallback (ARCHITECTURE.md section
// 4, "Read a profile"), read-only on Redis.
#include "services/scoring/profile_source.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "prometheus/family.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

bool IsTransportFailure(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded ||
         s.code() == absl::StatusCode::kFailedPrecondition;
}

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

bool ReadDouble(CodedInputStream* in, double* out) {
  uint64_t bits = 0;
  if (!in->ReadLittleEndian64(&bits)) return false;
  *out = WireFormatLite::DecodeDouble(bits);
  return true;
}

// One audience entry {key = 1 (string or enum), share = 2 (double)}, decoded
// by hand: ParseFromArray on tens of tiny messages per profile costs more in
// parser set-up than in parsing.
template <typename Entry, typename SetKey>
bool ParseEntry(CodedInputStream* in, Entry* e, SetKey set_key) {
  uint32_t length = 0;
  if (!in->ReadVarint32(&length)) return false;
  const auto limit = in->PushLimit(static_cast<int>(length));
  bool ok = true;
  while (ok) {
    const uint32_t tag = in->ReadTag();
    if (tag == 0) break;
    if (tag == (2 << 3 | 1)) {
      double share = 0;
      ok = ReadDouble(in, &share);
      e->set_share(share);
    } else if ((tag >> 3) == 1) {
      ok = set_key(in, tag, e);
    } else {
      ok = WireFormatLite::SkipField(in, tag);
    }
  }
  ok = ok && in->ConsumedEntireMessage();
  in->PopLimit(limit);
  return ok;
}

bool StringKey(CodedInputStream* in, uint32_t tag, std::string* key) {
  if ((tag & 7) != 2) return WireFormatLite::SkipField(in, tag);
  return WireFormatLite::ReadString(in, key);
}

template <typename Entry, typename Enum>
bool EnumKey(CodedInputStream* in, uint32_t tag, Entry* e, void (Entry::*set)(Enum)) {
  if ((tag & 7) != 0) return WireFormatLite::SkipField(in, tag);
  uint32_t v = 0;
  if (!in->ReadVarint32(&v)) return false;
  (e->*set)(static_cast<Enum>(v));
  return true;
}

bool ParseAudience(CodedInputStream* in, cv1::AudienceDemographics* a, const ProfileParts& parts) {
  uint32_t length = 0;
  if (!in->ReadVarint32(&length)) return false;
  const auto limit = in->PushLimit(static_cast<int>(length));
  bool ok = true;
  while (ok) {
    const uint32_t tag = in->ReadTag();
    if (tag == 0) break;
    switch (tag) {
      case (1 << 3) | 2:
        ok = ParseEntry(in, a->add_countries(), [](auto* in, uint32_t t, cv1::CountryShare* e) {
          return StringKey(in, t, e->mutable_country_code());
        });
        break;
      case (3 << 3) | 2:
        ok = ParseEntry(in, a->add_genders(), [](auto* in, uint32_t t, cv1::GenderShare* e) {
          return EnumKey(in, t, e, &cv1::GenderShare::set_gender);
        });
        break;
      case (4 << 3) | 2:
        ok = ParseEntry(in, a->add_age_bands(), [](auto* in, uint32_t t, cv1::AgeBandShare* e) {
          return EnumKey(in, t, e, &cv1::AgeBandShare::set_age_band);
        });
        break;
      case (5 << 3) | 2:
        if (!parts.audience_languages) {
          ok = WireFormatLite::SkipField(in, tag);
          break;
        }
        ok = ParseEntry(in, a->add_languages(), [](auto* in, uint32_t t, cv1::LanguageShare* e) {
          return StringKey(in, t, e->mutable_language_code());
        });
        break;
      case (6 << 3) | 2:
        if (!parts.audience_interests) {
          ok = WireFormatLite::SkipField(in, tag);
          break;
        }
        ok = ParseEntry(in, a->add_interests(), [](auto* in, uint32_t t, cv1::InterestShare* e) {
          return StringKey(in, t, e->mutable_interest());
        });
        break;
      case (8 << 3) | 1: {
        double v = 0;
        ok = ReadDouble(in, &v);
        a->set_reachability(v);
        break;
      }
      case (9 << 3) | 1: {
        double v = 0;
        ok = ReadDouble(in, &v);
        a->set_credibility(v);
        break;
      }
      default:
        ok = WireFormatLite::SkipField(in, tag);
    }
  }
  ok = ok && in->ConsumedEntireMessage();
  in->PopLimit(limit);
  return ok;
}

// The statistics the models read; the rest (price, measure time...) skipped.
bool ParseStats(CodedInputStream* in, cv1::CreatorStats* s) {
  uint32_t length = 0;
  if (!in->ReadVarint32(&length)) return false;
  const auto limit = in->PushLimit(static_cast<int>(length));
  bool ok = true;
  while (ok) {
    const uint32_t tag = in->ReadTag();
    if (tag == 0) break;
    const uint32_t field = tag >> 3;
    if ((tag & 7) == 0 && (field == 1 || field == 2 || field == 3 || field == 16)) {
      uint64_t v = 0;
      ok = in->ReadVarint64(&v);
      if (field == 1) s->set_followers(static_cast<int64_t>(v));
      if (field == 2) s->set_following(static_cast<int64_t>(v));
      if (field == 3) s->set_content_count(static_cast<int64_t>(v));
      if (field == 16) s->set_likes_hidden(v != 0);
    } else if ((tag & 7) == 1 && field >= 4 && field <= 14) {
      double v = 0;
      ok = ReadDouble(in, &v);
      switch (field) {
        case 4:
          s->set_engagement_rate(v);
          break;
        case 5:
          s->set_avg_likes(v);
          break;
        case 6:
          s->set_avg_comments(v);
          break;
        case 7:
          s->set_avg_shares(v);
          break;
        case 8:
          s->set_avg_saves(v);
          break;
        case 9:
          s->set_avg_views(v);
          break;
        case 10:
          s->set_follower_growth_30d(v);
          break;
        case 11:
          s->set_follower_growth_90d(v);
          break;
        case 12:
          s->set_posts_per_week(v);
          break;
        case 13:
          s->set_sponsored_post_share(v);
          break;
        default:
          s->set_sponsored_engagement_ratio(v);
          break;
      }
    } else {
      ok = WireFormatLite::SkipField(in, tag);
    }
  }
  ok = ok && in->ConsumedEntireMessage();
  in->PopLimit(limit);
  return ok;
}

}  // namespace

bool ParseProfileForScoring(std::string_view bytes, cv1::Creator* out, const ProfileParts& parts) {
  out->Clear();
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    bool ok = true;
    switch (tag) {
      case (1 << 3) | 2:
        ok = WireFormatLite::ReadString(&in, out->mutable_creator_id());
        break;
      case (2 << 3) | 0: {
        uint32_t v = 0;
        ok = in.ReadVarint32(&v);
        out->set_platform(static_cast<cv1::Platform>(v));
        break;
      }
      case (6 << 3) | 2:
        ok = WireFormatLite::ReadString(&in, out->mutable_person_id());
        break;
      case (20 << 3) | 2:
        ok = WireFormatLite::ReadString(&in, out->mutable_country_code());
        break;
      case (29 << 3) | 0: {
        uint32_t v = 0;
        ok = in.ReadVarint32(&v);
        out->add_categories(static_cast<cv1::Category>(v));
        break;
      }
      case (29 << 3) | 2: {  // packed
        uint32_t length = 0;
        ok = in.ReadVarint32(&length);
        const auto limit = in.PushLimit(static_cast<int>(length));
        uint32_t v = 0;
        while (ok && in.BytesUntilLimit() > 0) {
          ok = in.ReadVarint32(&v);
          out->add_categories(static_cast<cv1::Category>(v));
        }
        in.PopLimit(limit);
        break;
      }
      case (40 << 3) | 2:
        ok = ParseStats(&in, out->mutable_stats());
        break;
      case (41 << 3) | 2:
        ok = ParseAudience(&in, out->mutable_audience(), parts);
        break;
      default:
        ok = WireFormatLite::SkipField(&in, tag);
    }
    if (!ok) return false;
  }
  return in.ConsumedEntireMessage();
}

ProfileSource::ProfileSource(redis::RedisPool* pool, CreatorLoader& loader,
                             ProfileSourceOptions options, prometheus::Registry& registry)
    : pool_(pool), loader_(loader), options_(std::move(options)), breaker_(options_.breaker) {
  auto& requests = prometheus::BuildCounter()
                       .Name("microreach_cache_requests_total")
                       .Help("Cache lookups by result")
                       .Register(registry);
  hit_ = &requests.Add({{"cache", "profile"}, {"result", "hit"}});
  miss_ = &requests.Add({{"cache", "profile"}, {"result", "miss"}});
  negative_hit_ = &requests.Add({{"cache", "profile"}, {"result", "negative_hit"}});
  bypass_ = &requests.Add({{"cache", "profile"}, {"result", "bypass"}});
  auto& errors = prometheus::BuildCounter()
                     .Name("microreach_cache_errors_total")
                     .Help("Cache operation errors by operation")
                     .Register(registry);
  acquire_errors_ = &errors.Add({{"cache", "profile"}, {"op", "acquire"}});
  mget_errors_ = &errors.Add({{"cache", "profile"}, {"op", "mget"}});
  parse_errors_ = &errors.Add({{"cache", "profile"}, {"op", "parse"}});
}

absl::StatusOr<std::vector<const cv1::Creator*>> ProfileSource::Fetch(
    absl::Span<const std::string> ids, const CallContext& call, google::protobuf::Arena* arena,
    const ProfileParts& parts) {
  std::vector<const cv1::Creator*> out(ids.size(), nullptr);
  std::vector<bool> resolved(ids.size(), false);
  bool cached = false;
  if (pool_ != nullptr && !ids.empty() && breaker_.Allow()) {
    // MGET in pipelined chunks, parsed straight from hiredis' reply buffers
    // (RedisConnection::MGet would copy every value once more).
    constexpr size_t kChunk = 1000;
    // Every key in one buffer: one allocation instead of one per key.
    size_t key_bytes = 0;
    for (const std::string& id : ids) key_bytes += options_.key_prefix.size() + id.size();
    std::string key_buffer;
    key_buffer.reserve(key_bytes);
    std::vector<std::string_view> keys;
    keys.reserve(ids.size());
    for (const std::string& id : ids) {
      const size_t start = key_buffer.size();
      key_buffer.append(options_.key_prefix).append(id);
      keys.emplace_back(key_buffer.data() + start, key_buffer.size() - start);
    }
    std::vector<std::vector<std::string_view>> commands;
    for (size_t start = 0; start < keys.size(); start += kChunk) {
      std::vector<std::string_view>& c = commands.emplace_back();
      c.push_back("MGET");
      for (size_t i = start; i < std::min(keys.size(), start + kChunk); ++i) c.push_back(keys[i]);
    }
    absl::StatusOr<std::vector<redis::ReplyPtr>> replies;
    absl::StatusOr<redis::RedisLease> lease = pool_->Acquire();
    if (!lease.ok()) {
      acquire_errors_->Increment();
      breaker_.RecordFailure();
    } else {
      replies = (*lease)->Pipeline(commands);
      if (!replies.ok()) mget_errors_->Increment();
      IsTransportFailure(replies.status()) ? breaker_.RecordFailure() : breaker_.RecordSuccess();
    }
    bool well_formed = lease.ok() && replies.ok() && replies->size() == commands.size();
    for (size_t c = 0; well_formed && c < commands.size(); ++c) {
      const redisReply* r = (*replies)[c].get();
      well_formed =
          r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements == commands[c].size() - 1;
    }
    if (lease.ok() && replies.ok() && !well_formed) mget_errors_->Increment();
    if (well_formed) {
      cached = true;
      for (size_t i = 0; i < ids.size(); ++i) {
        const redisReply* v = (*replies)[i / kChunk]->element[i % kChunk];
        if (v->type != REDIS_REPLY_STRING) {
          miss_->Increment();
          continue;
        }
        const std::string_view bytes(v->str, v->len);
        if (bytes == options_.negative_sentinel) {
          negative_hit_->Increment();
          resolved[i] = true;
          continue;
        }
        auto* creator = google::protobuf::Arena::CreateMessage<cv1::Creator>(arena);
        if (!ParseProfileForScoring(bytes, creator, parts)) {
          parse_errors_->Increment();  // a bad entry is a miss; search rewrites it
          miss_->Increment();
          continue;
        }
        hit_->Increment();
        out[i] = creator;
        resolved[i] = true;
      }
    }
  }
  if (!cached) bypass_->Increment(static_cast<double>(ids.size()));

  std::vector<std::string> missed;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!resolved[i]) missed.push_back(ids[i]);
  }
  if (missed.empty()) return out;
  absl::StatusOr<std::vector<cv1::Creator>> loaded = loader_.BatchGet(missed, call);
  if (!loaded.ok()) return loaded.status();
  absl::flat_hash_map<std::string_view, const cv1::Creator*> by_id;
  for (cv1::Creator& c : *loaded) {
    auto* copy = google::protobuf::Arena::CreateMessage<cv1::Creator>(arena);
    copy->Swap(&c);
    by_id[copy->creator_id()] = copy;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (resolved[i]) continue;
    auto it = by_id.find(ids[i]);
    if (it != by_id.end()) out[i] = it->second;
  }
  return out;
}

}  // namespace microreach::scoring
