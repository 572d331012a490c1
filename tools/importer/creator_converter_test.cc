// Tests of row conversion: field mapping, twins, vocabularies, rejections.
#include "tools/importer/creator_converter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A converter over a small TikTok-like export with shorthand/plain twins.
RowConverter TikTokConverter(ConvertOptions options = {}) {
  const std::vector<std::string> header = {"Account", "Name",    "Fans",     "Fans",
                                           "Views",   "Likes",   "Comments", "Shares",
                                           "Country", "Topic 1", "Topic 2"};
  auto mapping = ColumnMapping::Parse(
      "@platform = tiktok\nhandle = account\ndisplay_name = name\nfollowers = fans\n"
      "avg_views = views\navg_likes = likes\navg_comments = comments\navg_shares = shares\n"
      "country = country\ncategory = topic 1\ncategory = topic 2\n");
  EXPECT_TRUE(mapping.ok());
  auto columns = ResolveColumns(*mapping, header);
  EXPECT_TRUE(columns.ok());
  if (options.platform == common::v1::PLATFORM_UNSPECIFIED) options.platform = mapping->platform;
  return RowConverter(header, *columns, options);
}

TEST(RowConverterTest, ConvertsAWholeRow) {
  ConvertedRow row = TikTokConverter().Convert({"MrBeast", "MrBeast", "60.3M", "60300000", "29.2M",
                                                "3.5M", "30.8K", "7.2K", "United States",
                                                "Sports with a ball", "Music & Dance"});
  ASSERT_TRUE(row.creator.has_value());
  EXPECT_TRUE(row.issues.empty());
  const auto& c = *row.creator;
  EXPECT_EQ(c.creator_id(), "tiktok:mrbeast");
  EXPECT_EQ(c.handle(), "MrBeast");
  EXPECT_EQ(c.platform(), common::v1::PLATFORM_TIKTOK);
  EXPECT_EQ(c.country_code(), "US");
  EXPECT_THAT(c.categories(), ElementsAre(common::v1::CATEGORY_SPORTS, common::v1::CATEGORY_MUSIC));
  EXPECT_EQ(c.stats().followers(), 60'300'000);
  EXPECT_EQ(c.stats().avg_views(), 29'200'000);
  EXPECT_EQ(c.stats().avg_comments(), 30'800);
  // By views on TikTok: (likes + comments + shares) / views.
  EXPECT_NEAR(c.stats().engagement_rate(), (3.5e6 + 30.8e3 + 7.2e3) / 29.2e6, 1e-12);
  EXPECT_EQ(c.tier(), common::v1::TIER_UNSPECIFIED);  // the service derives it
}

TEST(RowConverterTest, PlainTwinWinsAndDisagreementIsAWarning) {
  ConvertedRow row =
      TikTokConverter().Convert({"a", "", "2.5M", "250000", "1M", "10K", "", "", "", "", ""});
  ASSERT_TRUE(row.creator.has_value());
  EXPECT_EQ(row.creator->stats().followers(), 250'000);
  ASSERT_EQ(row.issues.size(), 1u);
  EXPECT_EQ(row.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(row.issues[0].field, "fans");
}

TEST(RowConverterTest, GarbageNumberRejectsTheRowNamingTheColumn) {
  ConvertedRow row =
      TikTokConverter().Convert({"a", "", "lots", "", "1M", "10K", "", "", "", "", ""});
  EXPECT_FALSE(row.creator.has_value());
  ASSERT_FALSE(row.issues.empty());
  EXPECT_EQ(row.issues[0].severity, Severity::kError);
  EXPECT_EQ(row.issues[0].field, "fans");
  EXPECT_THAT(row.issues[0].reason, HasSubstr("followers: not a number: \"lots\""));
}

TEST(RowConverterTest, UnknownCountryAndCategoryAreWarningsWithFieldsLeftEmpty) {
  ConvertedRow row = TikTokConverter().Convert(
      {"a", "", "1K", "", "", "", "", "", "Atlantis", "Underwater basket weaving", "Beauty"});
  ASSERT_TRUE(row.creator.has_value());
  EXPECT_EQ(row.creator->country_code(), "");
  EXPECT_THAT(row.creator->categories(), ElementsAre(common::v1::CATEGORY_BEAUTY));
  ASSERT_EQ(row.issues.size(), 2u);
  EXPECT_EQ(row.issues[0].field, "country");
  EXPECT_EQ(row.issues[1].field, "topic 1");
  EXPECT_FALSE(row.creator->stats().has_engagement_rate());  // no likes, no views
}

TEST(RowConverterTest, AdultContentIsABrandSafetyFlagNotACategory) {
  ConvertedRow row = TikTokConverter().Convert(
      {"a", "", "1K", "", "", "", "", "", "", "Adult content", "Education"});
  ASSERT_TRUE(row.creator.has_value());
  EXPECT_THAT(row.creator->categories(), ElementsAre(common::v1::CATEGORY_EDUCATION));
  EXPECT_THAT(row.creator->brand_safety_flags(),
              ElementsAre(common::v1::BRAND_SAFETY_FLAG_ADULT_CONTENT));
}

TEST(RowConverterTest, PercentInACountColumnIsRejected) {
  ConvertedRow row = TikTokConverter().Convert({"a", "", "1.39%", "", "", "", "", "", "", "", ""});
  EXPECT_FALSE(row.creator.has_value());
}

TEST(RowConverterTest, MissingHandleAndShortRowsAreRejected) {
  EXPECT_FALSE(TikTokConverter()
                   .Convert({"", "x", "1K", "", "", "", "", "", "", "", ""})
                   .creator.has_value());
  ConvertedRow short_row = TikTokConverter().Convert({"a", "b"});
  EXPECT_FALSE(short_row.creator.has_value());
  EXPECT_THAT(short_row.issues[0].reason, HasSubstr("2 cells, the header has 11"));
}

TEST(RowConverterTest, HandleWithSpacesIsRejectedUnlessStrippingIsAsked) {
  const std::vector<std::string> row = {
      "✿ Kids Diana Show", "✿ Kids Diana Show", "103.4M", "", "", "", "", "", "", "Animation", ""};
  ConvertedRow rejected = TikTokConverter().Convert(row);
  EXPECT_FALSE(rejected.creator.has_value());
  EXPECT_EQ(rejected.issues[0].field, "account");

  ConvertedRow stripped = TikTokConverter({.strip_handle_spaces = true}).Convert(row);
  ASSERT_TRUE(stripped.creator.has_value());
  EXPECT_EQ(stripped.creator->handle(), "✿KidsDianaShow");
  EXPECT_EQ(stripped.creator->display_name(), "✿ Kids Diana Show");  // untouched
  EXPECT_EQ(stripped.issues[0].severity, Severity::kWarning);
}

TEST(CreatorIdForTest, PlainHandlesLowerCasedOthersSluggedAndHashed) {
  EXPECT_EQ(CreatorIdFor(common::v1::PLATFORM_INSTAGRAM, "Leo.Messi_10"), "instagram:leo.messi_10");
  const std::string korean = CreatorIdFor(common::v1::PLATFORM_YOUTUBE, "서은일상이야기");
  EXPECT_THAT(korean, ::testing::MatchesRegex("youtube:[0-9a-f]{16}"));
  const std::string diana = CreatorIdFor(common::v1::PLATFORM_YOUTUBE, "✿KidsDianaShow");
  EXPECT_THAT(diana, ::testing::MatchesRegex("youtube:kidsdianashow-[0-9a-f]{16}"));
  // Stable, and case-insensitive like the plain form.
  EXPECT_EQ(diana, CreatorIdFor(common::v1::PLATFORM_YOUTUBE, "✿kidsdianashow"));
  EXPECT_NE(CreatorIdFor(common::v1::PLATFORM_YOUTUBE, "Like Nastya"),
            CreatorIdFor(common::v1::PLATFORM_YOUTUBE, "Like Nastya Show"));
  EXPECT_LE(CreatorIdFor(common::v1::PLATFORM_YOUTUBE, std::string(300, '\xE2')).size(), 128u);
}

TEST(EngagementRateTest, InstagramByFollowersFromLikesOrEngagements) {
  common::v1::Creator c;
  c.set_platform(common::v1::PLATFORM_INSTAGRAM);
  c.mutable_stats()->set_followers(1000);
  EXPECT_FALSE(EngagementRate(c, std::nullopt).has_value());
  EXPECT_DOUBLE_EQ(*EngagementRate(c, 35.0), 0.035);
  c.mutable_stats()->set_avg_likes(30);
  c.mutable_stats()->set_avg_comments(5);
  c.mutable_stats()->set_avg_shares(100);  // not part of the Instagram formula
  EXPECT_DOUBLE_EQ(*EngagementRate(c, std::nullopt), 0.035);
}

TEST(EngagementRateTest, YouTubeNeedsViews) {
  common::v1::Creator c;
  c.set_platform(common::v1::PLATFORM_YOUTUBE);
  c.mutable_stats()->set_followers(1000);
  c.mutable_stats()->set_avg_likes(30);
  EXPECT_FALSE(EngagementRate(c, std::nullopt).has_value());
  c.mutable_stats()->set_avg_views(0);  // SET India: zeros, not a 0% rate
  EXPECT_FALSE(EngagementRate(c, std::nullopt).has_value());
  c.mutable_stats()->set_avg_views(600);
  EXPECT_DOUBLE_EQ(*EngagementRate(c, std::nullopt), 0.05);
}

TEST(IsValidUtf8Test, AcceptsScriptsAndEmojiRejectsBrokenBytes) {
  EXPECT_TRUE(IsValidUtf8("يزن الأسمر Міша 🇺🇦 서은"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
}

}  // namespace
}  // namespace microreach::importer
