// Word lists for the synthetic catalog. Invented but plausible: brands are real
// companies that sponsor creators in each category, used as slugs only.
#include "tools/catalog_gen/vocabulary.h"

namespace microreach::catalog_gen {
namespace {

using common::v1::Category;

// --- Categories -------------------------------------------------------------

constexpr absl::string_view kFashionRoles[] = {"fashion creator", "stylist", "outfit inspo"};
constexpr absl::string_view kFashionWords[] = {"outfit",
                                               "ootd",
                                               "style",
                                               "streetwear",
                                               "vintage",
                                               "thrift",
                                               "denim",
                                               "sneakers",
                                               "dress",
                                               "jacket",
                                               "accessories",
                                               "handbag",
                                               "jewelry",
                                               "runway",
                                               "lookbook",
                                               "trends",
                                               "capsule-wardrobe",
                                               "tailoring",
                                               "minimalist",
                                               "luxury",
                                               "fashion-week",
                                               "styling",
                                               "haul",
                                               "knitwear",
                                               "boots",
                                               "sustainable-fashion",
                                               "menswear",
                                               "plus-size"};
constexpr absl::string_view kFashionBrands[] = {"zara",  "hm",     "nike", "adidas", "shein",
                                                "gucci", "uniqlo", "asos", "levis",  "mango"};

constexpr absl::string_view kBeautyRoles[] = {"makeup artist", "skincare enthusiast",
                                              "beauty creator"};
constexpr absl::string_view kBeautyWords[] = {
    "makeup",      "skincare", "lipstick",    "foundation", "mascara",      "eyeliner", "contour",
    "glow",        "serum",    "moisturizer", "sunscreen",  "haircare",     "nails",    "fragrance",
    "tutorial",    "grwm",     "routine",     "retinol",    "acne",         "curls",    "brows",
    "highlighter", "palette",  "cleanser",    "k-beauty",   "clean-beauty", "lashes"};
constexpr absl::string_view kBeautyBrands[] = {
    "loreal",       "maybelline", "sephora",       "fenty-beauty", "nyx",
    "the-ordinary", "cerave",     "mac-cosmetics", "glossier",     "dove"};

constexpr absl::string_view kFitnessRoles[] = {"personal trainer", "fitness coach",
                                               "gym enthusiast"};
constexpr absl::string_view kFitnessWords[] = {
    "workout",      "gym",        "strength", "cardio",     "hiit",         "yoga",
    "pilates",      "running",    "protein",  "gains",      "bodybuilding", "crossfit",
    "mobility",     "stretching", "squat",    "deadlift",   "calisthenics", "marathon",
    "home-workout", "weightloss", "abs",      "kettlebell", "training",     "coach",
    "meal-prep",    "endurance",  "cycling"};
constexpr absl::string_view kFitnessBrands[] = {"nike",      "gymshark",  "adidas", "under-armour",
                                                "myprotein", "lululemon", "puma",   "garmin",
                                                "fitbit",    "reebok"};

constexpr absl::string_view kFoodRoles[] = {"home cook", "food blogger", "chef"};
constexpr absl::string_view kFoodWords[] = {
    "recipe",      "cooking",      "baking",     "dinner",     "breakfast",
    "brunch",      "dessert",      "vegan",      "vegetarian", "healthy-eating",
    "street-food", "pasta",        "pizza",      "sushi",      "coffee",
    "bbq",         "spicy",        "homemade",   "restaurant", "foodie",
    "meal-prep",   "comfort-food", "bread",      "cake",       "cocktails",
    "snacks",      "grilling",     "plant-based"};
constexpr absl::string_view kFoodBrands[] = {"hellofresh", "nestle",    "starbucks", "kitchenaid",
                                             "mcdonalds",  "coca-cola", "oatly",     "barilla",
                                             "heinz",      "uber-eats"};

constexpr absl::string_view kTravelRoles[] = {"travel creator", "explorer", "digital nomad"};
constexpr absl::string_view kTravelWords[] = {
    "travel",        "wanderlust",    "adventure", "beach",     "island",      "backpacking",
    "roadtrip",      "city-break",    "hotel",     "resort",    "flights",     "itinerary",
    "hidden-gems",   "sunset",        "mountains", "culture",   "solo-travel", "van-life",
    "luxury-travel", "budget-travel", "passport",  "tourism",   "destination", "europe",
    "asia",          "cruise",        "hiking",    "local-food"};
constexpr absl::string_view kTravelBrands[] = {
    "airbnb", "booking",   "expedia",    "emirates", "marriott",
    "gopro",  "samsonite", "skyscanner", "hilton",   "lonely-planet"};

constexpr absl::string_view kGamingRoles[] = {"gamer", "streamer", "esports player"};
constexpr absl::string_view kGamingWords[] = {
    "gaming",       "gameplay",    "streamer",     "esports",
    "fortnite",     "minecraft",   "valorant",     "league-of-legends",
    "playstation",  "xbox",        "nintendo",     "pc-gaming",
    "speedrun",     "fps",         "rpg",          "mobile-gaming",
    "lets-play",    "walkthrough", "setup",        "console",
    "twitch",       "clips",       "competitive",  "indie-games",
    "retro-gaming", "gta",         "call-of-duty", "roblox"};
constexpr absl::string_view kGamingBrands[] = {"razer",    "logitech",    "playstation", "xbox",
                                               "nintendo", "steelseries", "corsair",     "hyperx",
                                               "red-bull", "nvidia"};

constexpr absl::string_view kTechRoles[] = {"tech reviewer", "developer", "gadget enthusiast"};
constexpr absl::string_view kTechWords[] = {"tech",
                                            "gadgets",
                                            "smartphone",
                                            "review",
                                            "unboxing",
                                            "laptop",
                                            "coding",
                                            "programming",
                                            "ai",
                                            "software",
                                            "apps",
                                            "iphone",
                                            "android",
                                            "smart-home",
                                            "wearables",
                                            "camera",
                                            "productivity",
                                            "desk-setup",
                                            "startup",
                                            "cybersecurity",
                                            "cloud",
                                            "linux",
                                            "web-development",
                                            "headphones",
                                            "pc-build",
                                            "machine-learning",
                                            "tech-tips"};
constexpr absl::string_view kTechBrands[] = {"apple", "samsung", "google", "microsoft", "sony",
                                             "anker", "dell",    "lenovo", "xiaomi",    "oneplus"};

constexpr absl::string_view kMusicRoles[] = {"musician", "singer-songwriter", "producer"};
constexpr absl::string_view kMusicWords[] = {
    "music",    "singer",   "songwriter", "guitar",   "piano",      "cover",  "new-music",
    "producer", "beats",    "hiphop",     "rap",      "pop",        "rock",   "indie",
    "jazz",     "edm",      "dj",         "concert",  "live-music", "studio", "vocals",
    "drums",    "acoustic", "album",      "playlist", "kpop",       "rnb",    "afrobeats"};
constexpr absl::string_view kMusicBrands[] = {"spotify",    "fender",    "yamaha",      "gibson",
                                              "shure",      "beats",     "apple-music", "roland",
                                              "soundcloud", "sennheiser"};

constexpr absl::string_view kSportsRoles[] = {"athlete", "sports fan", "coach"};
constexpr absl::string_view kSportsWords[] = {
    "football", "soccer",       "basketball", "tennis",     "cricket",    "baseball",
    "golf",     "boxing",       "mma",        "rugby",      "volleyball", "skateboarding",
    "surfing",  "swimming",     "matchday",   "highlights", "athlete",    "fans",
    "league",   "championship", "goals",      "skills",     "f1",         "nba",
    "sports",   "running"};
constexpr absl::string_view kSportsBrands[] = {
    "nike",     "adidas",   "puma",   "under-armour", "new-balance",
    "gatorade", "red-bull", "wilson", "asics",        "decathlon"};

constexpr absl::string_view kParentingRoles[] = {"mom of two", "dad blogger", "parenting creator"};
constexpr absl::string_view kParentingWords[] = {
    "parenting", "motherhood",    "fatherhood",      "baby",         "toddler",
    "pregnancy", "newborn",       "family",          "kids",         "momlife",
    "dadlife",   "breastfeeding", "sleep-training",  "homeschool",   "family-travel",
    "twins",     "nursery",       "kids-activities", "kids-crafts",  "school",
    "bedtime",   "postpartum",    "family-time",     "kids-recipes", "gentle-parenting"};
constexpr absl::string_view kParentingBrands[] = {
    "pampers", "huggies", "fisher-price", "lego",   "johnsons-baby",
    "graco",   "chicco",  "carters",      "mattel", "hape"};

constexpr absl::string_view kFinanceRoles[] = {"finance educator", "investor", "money coach"};
constexpr absl::string_view kFinanceWords[] = {"finance",
                                               "investing",
                                               "stocks",
                                               "crypto",
                                               "bitcoin",
                                               "budgeting",
                                               "saving",
                                               "personal-finance",
                                               "money",
                                               "wealth",
                                               "real-estate",
                                               "etf",
                                               "dividends",
                                               "retirement",
                                               "side-hustle",
                                               "passive-income",
                                               "financial-freedom",
                                               "trading",
                                               "economy",
                                               "credit-score",
                                               "debt-free",
                                               "fire-movement",
                                               "taxes",
                                               "index-funds",
                                               "fintech"};
constexpr absl::string_view kFinanceBrands[] = {
    "robinhood", "revolut", "coinbase", "paypal", "wise",
    "binance",   "visa",    "etoro",    "n26",    "american-express"};

constexpr absl::string_view kEducationRoles[] = {"teacher", "tutor", "study coach"};
constexpr absl::string_view kEducationWords[] = {"education",
                                                 "learning",
                                                 "study-tips",
                                                 "teacher",
                                                 "students",
                                                 "exams",
                                                 "language-learning",
                                                 "english",
                                                 "math",
                                                 "history",
                                                 "university",
                                                 "college",
                                                 "online-course",
                                                 "tutorial",
                                                 "how-to",
                                                 "productivity",
                                                 "notes",
                                                 "reading",
                                                 "books",
                                                 "booktok",
                                                 "homework",
                                                 "lessons",
                                                 "knowledge",
                                                 "skills",
                                                 "career"};
constexpr absl::string_view kEducationBrands[] = {
    "duolingo",   "coursera",    "udemy",     "notion", "khan-academy",
    "skillshare", "masterclass", "grammarly", "kindle", "babbel"};

constexpr absl::string_view kEntertainmentRoles[] = {"entertainer", "film critic",
                                                     "pop culture fan"};
constexpr absl::string_view kEntertainmentWords[] = {
    "movies",    "tv-shows", "netflix", "celebrity", "pop-culture",       "reviews",    "trailers",
    "cinema",    "series",   "anime",   "marvel",    "behind-the-scenes", "red-carpet", "gossip",
    "reactions", "actor",    "memes",   "viral",     "trending",          "podcast",    "theatre",
    "drama",     "fandom",   "awards",  "streaming"};
constexpr absl::string_view kEntertainmentBrands[] = {
    "netflix",     "disney-plus", "hbo-max",   "prime-video", "spotify",
    "warner-bros", "universal",   "paramount", "hulu",        "crunchyroll"};

constexpr absl::string_view kLifestyleRoles[] = {"lifestyle creator", "content creator",
                                                 "everyday vlogger"};
constexpr absl::string_view kLifestyleWords[] = {
    "lifestyle",  "vlog",       "morning-routine", "selfcare",       "wellness",
    "aesthetic",  "motivation", "inspiration",     "productivity",   "minimalism",
    "home",       "coffee",     "weekend",         "friends",        "happiness",
    "journaling", "goals",      "self-love",       "day-in-my-life", "routine",
    "positivity", "mindset",    "relationships",   "city-life",      "cozy"};
constexpr absl::string_view kLifestyleBrands[] = {
    "starbucks",         "amazon",  "ikea",  "apple",    "sephora", "zara",
    "daniel-wellington", "spotify", "dyson", "nespresso"};

constexpr absl::string_view kPetsRoles[] = {"dog mom", "cat dad", "pet lover"};
constexpr absl::string_view kPetsWords[] = {"dogs",
                                            "cats",
                                            "puppy",
                                            "kitten",
                                            "pets",
                                            "dogsofinstagram",
                                            "catsofinstagram",
                                            "rescue",
                                            "adoption",
                                            "pet-care",
                                            "dog-training",
                                            "grooming",
                                            "vet",
                                            "pet-food",
                                            "dog-walks",
                                            "cute",
                                            "animals",
                                            "furry",
                                            "aquarium",
                                            "birds",
                                            "rabbits",
                                            "horses",
                                            "reptiles",
                                            "petlife"};
constexpr absl::string_view kPetsBrands[] = {"purina",       "pedigree", "royal-canin", "chewy",
                                             "petco",        "whiskas",  "kong",        "furbo",
                                             "blue-buffalo", "hills-pet"};

constexpr absl::string_view kHomeRoles[] = {"interior lover", "diy maker", "home decor creator"};
constexpr absl::string_view kHomeWords[] = {
    "home",      "interior-design", "decor",         "diy",          "renovation", "gardening",
    "plants",    "organization",    "cleaning-tips", "furniture",    "cozy-home",  "apartment",
    "kitchen",   "bedroom",         "living-room",   "scandinavian", "boho",       "makeover",
    "home-tour", "houseplants",     "garden",        "declutter",    "lighting",   "woodworking",
    "tiny-house"};
constexpr absl::string_view kHomeBrands[] = {"ikea",      "wayfair",   "home-depot",  "dyson",
                                             "target",    "west-elm",  "philips-hue", "irobot",
                                             "zara-home", "kitchenaid"};

constexpr absl::string_view kAutomotiveRoles[] = {"car enthusiast", "mechanic", "motorbike rider"};
constexpr absl::string_view kAutomotiveWords[] = {
    "cars",         "carsofinstagram", "supercars",
    "jdm",          "motorsport",      "tuning",
    "detailing",    "car-review",      "electric-vehicles",
    "ev",           "tesla",           "motorcycles",
    "bikes",        "racing",          "drift",
    "classic-cars", "offroad",         "4x4",
    "roadtrip",     "horsepower",      "garage",
    "modified",     "car-meet",        "track-day"};
constexpr absl::string_view kAutomotiveBrands[] = {
    "tesla", "bmw",  "mercedes-benz", "toyota",  "porsche",
    "ford",  "audi", "michelin",      "castrol", "harley-davidson"};

constexpr absl::string_view kArtRoles[] = {"artist", "illustrator", "designer"};
constexpr absl::string_view kArtWords[] = {
    "art",        "drawing",     "painting",   "illustration", "sketch",
    "watercolor", "digital-art", "procreate",  "design",       "graphic-design",
    "crafts",     "handmade",    "pottery",    "ceramics",     "calligraphy",
    "tattoo",     "sculpture",   "acrylic",    "portrait",     "artwork",
    "creative",   "art-process", "embroidery", "street-art",   "animation"};
constexpr absl::string_view kArtBrands[] = {"adobe",         "procreate",     "wacom", "canva",
                                            "faber-castell", "winsor-newton", "etsy",  "cricut",
                                            "posca",         "apple"};

constexpr absl::string_view kHealthRoles[] = {"wellness coach", "nutritionist",
                                              "mental health advocate"};
constexpr absl::string_view kHealthWords[] = {
    "health",          "wellness",      "nutrition",      "mental-health", "mindfulness",
    "meditation",      "sleep",         "healthy-habits", "gut-health",    "holistic",
    "selfcare",        "anxiety",       "therapy",        "hormones",      "plant-based",
    "supplements",     "hydration",     "longevity",      "breathwork",    "recovery",
    "healthy-recipes", "physiotherapy", "womens-health",  "burnout",       "stress"};
constexpr absl::string_view kHealthBrands[] = {
    "headspace",         "calm",         "ag1",      "garmin", "oura", "fitbit",
    "optimum-nutrition", "myfitnesspal", "theragun", "whoop"};

constexpr absl::string_view kBusinessRoles[] = {"entrepreneur", "founder", "career coach"};
constexpr absl::string_view kBusinessWords[] = {
    "business",      "entrepreneur", "startup",      "marketing",
    "leadership",    "sales",        "branding",     "small-business",
    "ecommerce",     "career",       "productivity", "linkedin",
    "networking",    "ceo",          "founder",      "growth",
    "strategy",      "side-hustle",  "remote-work",  "freelancing",
    "management",    "success",      "hustle",       "social-media-marketing",
    "personal-brand"};
constexpr absl::string_view kBusinessBrands[] = {"shopify",     "hubspot", "canva", "notion",
                                                 "linkedin",    "slack",   "zoom",  "mailchimp",
                                                 "squarespace", "wix"};

constexpr absl::string_view kComedyRoles[] = {"comedian", "sketch creator", "prankster"};
constexpr absl::string_view kComedyWords[] = {
    "comedy", "funny",     "memes",     "sketch", "stand-up",    "jokes",    "humor", "parody",
    "prank",  "skits",     "relatable", "lol",    "satire",      "improv",   "roast", "reaction",
    "viral",  "challenge", "pov",       "duet",   "impressions", "bloopers", "laugh", "trend"};
constexpr absl::string_view kComedyBrands[] = {"netflix",  "doritos",   "pepsi",       "coca-cola",
                                               "duolingo", "mcdonalds", "burger-king", "red-bull",
                                               "spotify",  "old-spice"};

constexpr absl::string_view kNewsRoles[] = {"journalist", "commentator", "news explainer"};
constexpr absl::string_view kNewsWords[] = {
    "news",       "politics",    "current-affairs", "breaking-news", "explainer",    "analysis",
    "journalism", "world-news",  "elections",       "economy",       "climate",      "policy",
    "debate",     "opinion",     "reporting",       "interview",     "geopolitics",  "headlines",
    "fact-check", "documentary", "investigation",   "society",       "human-rights", "local-news"};
constexpr absl::string_view kNewsBrands[] = {"nytimes",  "bbc",        "cnn",       "reuters",
                                             "guardian", "bloomberg",  "economist", "substack",
                                             "audible",  "ground-news"};

constexpr absl::string_view kScienceRoles[] = {"science communicator", "researcher",
                                               "nature lover"};
constexpr absl::string_view kScienceWords[] = {
    "science",     "physics",   "chemistry",   "biology",   "space",       "astronomy", "nasa",
    "nature",      "wildlife",  "environment", "climate",   "experiments", "stem",      "research",
    "engineering", "geology",   "ocean",       "dinosaurs", "evolution",   "medicine",  "robotics",
    "math",        "fun-facts", "curiosity",   "microscope"};
constexpr absl::string_view kScienceBrands[] = {
    "national-geographic", "lego",         "celestron", "kiwico",   "discovery", "brilliant",
    "curiositystream",     "raspberry-pi", "nikon",     "bbc-earth"};

constexpr absl::string_view kOutdoorsRoles[] = {"hiker", "outdoor adventurer", "camper"};
constexpr absl::string_view kOutdoorsWords[] = {
    "hiking",        "camping",   "outdoors",     "nature",         "mountains",
    "trail-running", "climbing",  "backpacking",  "national-parks", "kayaking",
    "fishing",       "skiing",    "snowboarding", "surfing",        "overlanding",
    "wild-camping",  "sunrise",   "lakes",        "forest",         "adventure",
    "outdoor-gear",  "bushcraft", "van-life",     "trekking",       "cycling"};
constexpr absl::string_view kOutdoorsBrands[] = {
    "patagonia", "the-north-face", "columbia", "arcteryx", "salomon",
    "rei",       "gopro",          "yeti",     "osprey",   "garmin"};

constexpr absl::string_view kPhotographyRoles[] = {"photographer", "filmmaker",
                                                   "visual storyteller"};
constexpr absl::string_view kPhotographyWords[] = {
    "photography",         "photographer",    "portrait",    "landscape",     "street-photography",
    "film-photography",    "camera",          "lens",        "editing",       "lightroom",
    "videography",         "filmmaking",      "drone",       "cinematic",     "golden-hour",
    "wedding-photography", "black-and-white", "composition", "camera-gear",   "behind-the-scenes",
    "travel-photography",  "macro",           "nightscape",  "color-grading", "35mm"};
constexpr absl::string_view kPhotographyBrands[] = {
    "canon", "sony", "nikon", "fujifilm", "dji", "adobe", "gopro", "leica", "sigma", "peak-design"};

// Creator weights loosely follow the category mix of influencer databases:
// lifestyle, fashion, beauty, entertainment and fitness lead.
constexpr CategoryVocabulary kCategories[] = {
    {Category::CATEGORY_FASHION, "fashion", 9, 0.80, -0.2, kFashionRoles, kFashionWords,
     kFashionBrands},
    {Category::CATEGORY_BEAUTY, "beauty", 8, 0.88, -0.3, kBeautyRoles, kBeautyWords, kBeautyBrands},
    {Category::CATEGORY_FITNESS, "fitness", 7, 0.55, 0.0, kFitnessRoles, kFitnessWords,
     kFitnessBrands},
    {Category::CATEGORY_FOOD, "food", 7, 0.55, 0.3, kFoodRoles, kFoodWords, kFoodBrands},
    {Category::CATEGORY_TRAVEL, "travel", 6, 0.58, 0.3, kTravelRoles, kTravelWords, kTravelBrands},
    {Category::CATEGORY_GAMING, "gaming", 6, 0.20, -0.8, kGamingRoles, kGamingWords, kGamingBrands},
    {Category::CATEGORY_TECH, "tech", 4, 0.20, 0.2, kTechRoles, kTechWords, kTechBrands},
    {Category::CATEGORY_MUSIC, "music", 6, 0.45, -0.4, kMusicRoles, kMusicWords, kMusicBrands},
    {Category::CATEGORY_SPORTS, "sports", 4, 0.25, 0.0, kSportsRoles, kSportsWords, kSportsBrands},
    {Category::CATEGORY_PARENTING, "parenting", 3, 0.85, 0.6, kParentingRoles, kParentingWords,
     kParentingBrands},
    {Category::CATEGORY_FINANCE, "finance", 2, 0.30, 0.5, kFinanceRoles, kFinanceWords,
     kFinanceBrands},
    {Category::CATEGORY_EDUCATION, "education", 2, 0.50, 0.0, kEducationRoles, kEducationWords,
     kEducationBrands},
    {Category::CATEGORY_ENTERTAINMENT, "entertainment", 7, 0.50, -0.3, kEntertainmentRoles,
     kEntertainmentWords, kEntertainmentBrands},
    {Category::CATEGORY_LIFESTYLE, "lifestyle", 12, 0.70, 0.0, kLifestyleRoles, kLifestyleWords,
     kLifestyleBrands},
    {Category::CATEGORY_PETS, "pets", 3, 0.65, 0.2, kPetsRoles, kPetsWords, kPetsBrands},
    {Category::CATEGORY_HOME, "home", 3, 0.70, 0.6, kHomeRoles, kHomeWords, kHomeBrands},
    {Category::CATEGORY_AUTOMOTIVE, "automotive", 2, 0.10, 0.3, kAutomotiveRoles, kAutomotiveWords,
     kAutomotiveBrands},
    {Category::CATEGORY_ART, "art", 3, 0.60, 0.0, kArtRoles, kArtWords, kArtBrands},
    {Category::CATEGORY_HEALTH, "health", 3, 0.70, 0.5, kHealthRoles, kHealthWords, kHealthBrands},
    {Category::CATEGORY_BUSINESS, "business", 2, 0.35, 0.6, kBusinessRoles, kBusinessWords,
     kBusinessBrands},
    {Category::CATEGORY_COMEDY, "comedy", 5, 0.40, -0.5, kComedyRoles, kComedyWords, kComedyBrands},
    {Category::CATEGORY_NEWS, "news", 1, 0.35, 0.9, kNewsRoles, kNewsWords, kNewsBrands},
    {Category::CATEGORY_SCIENCE, "science", 1, 0.35, 0.2, kScienceRoles, kScienceWords,
     kScienceBrands},
    {Category::CATEGORY_OUTDOORS, "outdoors", 2, 0.40, 0.3, kOutdoorsRoles, kOutdoorsWords,
     kOutdoorsBrands},
    {Category::CATEGORY_PHOTOGRAPHY, "photography", 3, 0.35, 0.2, kPhotographyRoles,
     kPhotographyWords, kPhotographyBrands},
};

// --- Names ------------------------------------------------------------------

constexpr absl::string_view kEnF[] = {"Emma", "Olivia", "Ava",   "Sophia",
                                      "Mia",  "Grace",  "Chloe", "Lily"};
constexpr absl::string_view kEnM[] = {"Liam",  "Noah", "James", "Ethan",
                                      "Lucas", "Jack", "Ryan",  "Daniel"};
constexpr absl::string_view kEnL[] = {"Smith", "Johnson", "Brown", "Taylor", "Miller",
                                      "Davis", "Wilson",  "Clark", "Walker", "Evans"};
constexpr absl::string_view kHiF[] = {"Priya", "Ananya", "Aisha", "Kavya",
                                      "Neha",  "Riya",   "Sana",  "Pooja"};
constexpr absl::string_view kHiM[] = {"Arjun", "Rahul", "Aarav", "Vikram",
                                      "Rohan", "Imran", "Karan", "Aditya"};
constexpr absl::string_view kHiL[] = {"Sharma", "Patel", "Singh", "Gupta", "Khan",
                                      "Reddy",  "Iyer",  "Mehta", "Verma", "Ali"};
constexpr absl::string_view kPtF[] = {"Ana",    "Beatriz", "Juliana", "Larissa",
                                      "Camila", "Mariana", "Leticia", "Gabriela"};
constexpr absl::string_view kPtM[] = {"Joao",   "Pedro",  "Lucas",   "Gabriel",
                                      "Rafael", "Thiago", "Matheus", "Bruno"};
constexpr absl::string_view kPtL[] = {"Silva",   "Santos",  "Oliveira", "Souza",     "Costa",
                                      "Pereira", "Almeida", "Ferreira", "Rodrigues", "Lima"};
constexpr absl::string_view kIdF[] = {"Putri", "Siti",  "Dewi",   "Ayu",
                                      "Nurul", "Intan", "Nabila", "Aisyah"};
constexpr absl::string_view kIdM[] = {"Budi",  "Rizky", "Agus", "Fajar",
                                      "Hafiz", "Dimas", "Arif", "Irfan"};
constexpr absl::string_view kIdL[] = {"Wijaya", "Santoso", "Pratama", "Saputra",  "Hidayat",
                                      "Rahman", "Kusuma",  "Lestari", "Abdullah", "Ismail"};
constexpr absl::string_view kEsF[] = {"Sofia", "Valentina", "Camila",   "Lucia",
                                      "Maria", "Daniela",   "Isabella", "Fernanda"};
constexpr absl::string_view kEsM[] = {"Mateo",  "Santiago", "Diego",  "Alejandro",
                                      "Carlos", "Javier",   "Andres", "Miguel"};
constexpr absl::string_view kEsL[] = {"Garcia",    "Martinez", "Lopez",   "Hernandez", "Gonzalez",
                                      "Rodriguez", "Perez",    "Sanchez", "Ramirez",   "Torres"};
constexpr absl::string_view kDeF[] = {"Lena",  "Anna",   "Hannah", "Lea",
                                      "Marie", "Emilia", "Julia",  "Zofia"};
constexpr absl::string_view kDeM[] = {"Lukas", "Felix", "Jonas", "Max",
                                      "Leon",  "Jan",   "Paul",  "Erik"};
constexpr absl::string_view kDeL[] = {"Muller", "Schmidt", "Schneider", "Fischer",  "Weber",
                                      "Becker", "Jansen",  "Nowak",     "Kowalski", "Andersson"};
constexpr absl::string_view kFrF[] = {"Camille", "Lea",  "Manon",  "Chloe",
                                      "Ines",    "Jade", "Louise", "Clara"};
constexpr absl::string_view kFrM[] = {"Hugo",  "Louis", "Gabriel", "Arthur",
                                      "Jules", "Theo",  "Nathan",  "Raphael"};
constexpr absl::string_view kFrL[] = {"Martin",  "Bernard", "Dubois", "Thomas", "Robert",
                                      "Richard", "Petit",   "Durand", "Leroy",  "Moreau"};
constexpr absl::string_view kTrF[] = {"Zeynep", "Elif", "Ayse",  "Merve",
                                      "Defne",  "Ecem", "Selin", "Busra"};
constexpr absl::string_view kTrM[] = {"Emre", "Mehmet", "Can",   "Burak",
                                      "Mert", "Kerem",  "Yusuf", "Arda"};
constexpr absl::string_view kTrL[] = {"Yilmaz", "Kaya",  "Demir",  "Sahin",  "Celik",
                                      "Yildiz", "Aydin", "Ozturk", "Arslan", "Dogan"};
constexpr absl::string_view kItF[] = {"Giulia",  "Chiara",  "Francesca", "Sara",
                                      "Martina", "Alessia", "Giorgia",   "Elena"};
constexpr absl::string_view kItM[] = {"Marco",   "Luca",   "Matteo", "Alessandro",
                                      "Lorenzo", "Davide", "Andrea", "Francesco"};
constexpr absl::string_view kItL[] = {"Rossi",  "Russo",   "Ferrari", "Esposito", "Bianchi",
                                      "Romano", "Colombo", "Ricci",   "Marino",   "Greco"};
constexpr absl::string_view kTlF[] = {"Maria",  "Angel",  "Kristine", "Jasmine",
                                      "Nicole", "Andrea", "Bea",      "Joy"};
constexpr absl::string_view kTlM[] = {"Juan",   "Mark",  "John",  "Paolo",
                                      "Miguel", "Carlo", "Kevin", "Jericho"};
constexpr absl::string_view kTlL[] = {"Santos",  "Reyes",      "Cruz",  "Bautista", "Garcia",
                                      "Mendoza", "Villanueva", "Ramos", "Aquino",   "Castillo"};
constexpr absl::string_view kJaF[] = {"Yui", "Sakura", "Hina", "Aoi", "Yuna", "Mei", "Rin", "Saki"};
constexpr absl::string_view kJaM[] = {"Haruto", "Ren",  "Sota",   "Yuto",
                                      "Kaito",  "Riku", "Takumi", "Daiki"};
constexpr absl::string_view kJaL[] = {"Sato", "Suzuki",   "Takahashi", "Tanaka",    "Watanabe",
                                      "Ito",  "Yamamoto", "Nakamura",  "Kobayashi", "Kato"};
constexpr absl::string_view kKoF[] = {"Jiwoo",  "Seoyeon", "Minji", "Hayoon",
                                      "Jiyeon", "Soyeon",  "Yuna",  "Eunji"};
constexpr absl::string_view kKoM[] = {"Minjun",   "Seojun", "Jihoon",  "Hyunwoo",
                                      "Donghyun", "Junho",  "Taeyang", "Sungmin"};
constexpr absl::string_view kKoL[] = {"Kim",  "Lee", "Park", "Choi", "Jung",
                                      "Kang", "Cho", "Yoon", "Jang", "Lim"};
constexpr absl::string_view kSeaF[] = {"Ploy", "Nattaya", "Mai", "Linh",
                                       "Thao", "Ngoc",    "Pim", "Anh"};
constexpr absl::string_view kSeaM[] = {"Somchai", "Krit",  "Minh",   "Tuan",
                                       "Nam",     "Thanh", "Arthit", "Duc"};
constexpr absl::string_view kSeaL[] = {"Nguyen",     "Tran",   "Le",    "Pham", "Srisuk",
                                       "Chaiyaporn", "Wongsa", "Hoang", "Vu",   "Phan"};
constexpr absl::string_view kArF[] = {"Fatima", "Nour",   "Mariam", "Layla",
                                      "Salma",  "Yasmin", "Huda",   "Rana"};
constexpr absl::string_view kArM[] = {"Mohamed", "Ahmed", "Omar",   "Youssef",
                                      "Khalid",  "Ali",   "Hassan", "Karim"};
constexpr absl::string_view kArL[] = {"Hassan",  "Ali",      "Ibrahim", "Mahmoud", "Mostafa",
                                      "Alharbi", "Alotaibi", "Salem",   "Nasser",  "Farouk"};
constexpr absl::string_view kAfF[] = {"Chioma", "Amara",  "Ngozi",    "Folake",
                                      "Zainab", "Adaeze", "Thandiwe", "Lerato"};
constexpr absl::string_view kAfM[] = {"Chinedu", "Tunde", "Emeka", "Oluwaseun",
                                      "Kwame",   "Sipho", "Thabo", "Ifeanyi"};
constexpr absl::string_view kAfL[] = {"Okafor", "Adeyemi", "Okonkwo", "Balogun", "Nwosu",
                                      "Mensah", "Dlamini", "Nkosi",   "Eze",     "Abubakar"};

enum NameGroupIndex { kEn, kHi, kPt, kId, kEs, kDe, kFr, kTr, kIt, kTl, kJa, kKo, kSea, kAr, kAf };

constexpr NameGroup kNameGroups[] = {
    {kEnF, kEnM, kEnL},    {kHiF, kHiM, kHiL}, {kPtF, kPtM, kPtL}, {kIdF, kIdM, kIdL},
    {kEsF, kEsM, kEsL},    {kDeF, kDeM, kDeL}, {kFrF, kFrM, kFrL}, {kTrF, kTrM, kTrL},
    {kItF, kItM, kItL},    {kTlF, kTlM, kTlL}, {kJaF, kJaM, kJaL}, {kKoF, kKoM, kKoL},
    {kSeaF, kSeaM, kSeaL}, {kArF, kArM, kArL}, {kAfF, kAfM, kAfL},
};

// --- Countries --------------------------------------------------------------

constexpr absl::string_view kLangEnEs[] = {"en", "es"};
constexpr absl::string_view kLangHiEn[] = {"hi", "en"};
constexpr absl::string_view kLangPt[] = {"pt"};
constexpr absl::string_view kLangIdEn[] = {"id", "en"};
constexpr absl::string_view kLangEn[] = {"en"};
constexpr absl::string_view kLangEs[] = {"es"};
constexpr absl::string_view kLangDe[] = {"de"};
constexpr absl::string_view kLangFr[] = {"fr"};
constexpr absl::string_view kLangTr[] = {"tr"};
constexpr absl::string_view kLangIt[] = {"it"};
constexpr absl::string_view kLangTlEn[] = {"tl", "en"};
constexpr absl::string_view kLangEnFr[] = {"en", "fr"};
constexpr absl::string_view kLangJa[] = {"ja"};
constexpr absl::string_view kLangKo[] = {"ko"};
constexpr absl::string_view kLangTh[] = {"th"};
constexpr absl::string_view kLangVi[] = {"vi"};
constexpr absl::string_view kLangUrEn[] = {"ur", "en"};
constexpr absl::string_view kLangAr[] = {"ar"};
constexpr absl::string_view kLangArEn[] = {"ar", "en"};
constexpr absl::string_view kLangPl[] = {"pl"};
constexpr absl::string_view kLangNlEn[] = {"nl", "en"};
constexpr absl::string_view kLangMsEn[] = {"ms", "en"};
constexpr absl::string_view kLangSvEn[] = {"sv", "en"};

constexpr absl::string_view kCitiesUS[] = {"New York", "Los Angeles", "Chicago",
                                           "Houston",  "Miami",       "Atlanta"};
constexpr absl::string_view kCitiesIN[] = {"Mumbai",    "Delhi",   "Bengaluru",
                                           "Hyderabad", "Chennai", "Kolkata"};
constexpr absl::string_view kCitiesBR[] = {"Sao Paulo", "Rio de Janeiro", "Belo Horizonte",
                                           "Brasilia",  "Salvador",       "Curitiba"};
constexpr absl::string_view kCitiesID[] = {"Jakarta", "Surabaya", "Bandung",
                                           "Medan",   "Denpasar", "Yogyakarta"};
constexpr absl::string_view kCitiesGB[] = {"London",  "Manchester", "Birmingham",
                                           "Glasgow", "Leeds",      "Liverpool"};
constexpr absl::string_view kCitiesMX[] = {"Mexico City", "Guadalajara", "Monterrey",
                                           "Puebla",      "Tijuana",     "Cancun"};
constexpr absl::string_view kCitiesDE[] = {"Berlin",  "Munich",    "Hamburg",
                                           "Cologne", "Frankfurt", "Stuttgart"};
constexpr absl::string_view kCitiesFR[] = {"Paris",    "Marseille", "Lyon",
                                           "Toulouse", "Nice",      "Bordeaux"};
constexpr absl::string_view kCitiesTR[] = {"Istanbul", "Ankara", "Izmir", "Antalya", "Bursa"};
constexpr absl::string_view kCitiesES[] = {"Madrid", "Barcelona", "Valencia", "Seville", "Malaga"};
constexpr absl::string_view kCitiesIT[] = {"Rome", "Milan", "Naples", "Turin", "Florence"};
constexpr absl::string_view kCitiesPH[] = {"Manila", "Quezon City", "Cebu", "Davao"};
constexpr absl::string_view kCitiesNG[] = {"Lagos", "Abuja", "Ibadan", "Port Harcourt"};
constexpr absl::string_view kCitiesCA[] = {"Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa"};
constexpr absl::string_view kCitiesAR[] = {"Buenos Aires", "Cordoba", "Rosario", "Mendoza"};
constexpr absl::string_view kCitiesCO[] = {"Bogota", "Medellin", "Cali", "Barranquilla"};
constexpr absl::string_view kCitiesJP[] = {"Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka"};
constexpr absl::string_view kCitiesKR[] = {"Seoul", "Busan", "Incheon", "Daegu"};
constexpr absl::string_view kCitiesTH[] = {"Bangkok", "Chiang Mai", "Phuket", "Pattaya"};
constexpr absl::string_view kCitiesVN[] = {"Ho Chi Minh City", "Hanoi", "Da Nang"};
constexpr absl::string_view kCitiesAU[] = {"Sydney", "Melbourne", "Brisbane", "Perth"};
constexpr absl::string_view kCitiesPK[] = {"Karachi", "Lahore", "Islamabad"};
constexpr absl::string_view kCitiesEG[] = {"Cairo", "Alexandria", "Giza"};
constexpr absl::string_view kCitiesSA[] = {"Riyadh", "Jeddah", "Dammam"};
constexpr absl::string_view kCitiesPL[] = {"Warsaw", "Krakow", "Wroclaw", "Gdansk"};
constexpr absl::string_view kCitiesNL[] = {"Amsterdam", "Rotterdam", "The Hague", "Utrecht"};
constexpr absl::string_view kCitiesZA[] = {"Johannesburg", "Cape Town", "Durban"};
constexpr absl::string_view kCitiesAE[] = {"Dubai", "Abu Dhabi", "Sharjah"};
constexpr absl::string_view kCitiesMY[] = {"Kuala Lumpur", "Penang", "Johor Bahru"};
constexpr absl::string_view kCitiesCL[] = {"Santiago", "Valparaiso"};
constexpr absl::string_view kCitiesPT[] = {"Lisbon", "Porto"};
constexpr absl::string_view kCitiesSE[] = {"Stockholm", "Gothenburg"};

// Ordered by rough creator population (influencer databases rank the US,
// India, Brazil and Indonesia first); the generator applies Zipf weights.
constexpr CountryInfo kCountries[] = {
    {"US", kLangEnEs, kCitiesUS, kEn, false}, {"IN", kLangHiEn, kCitiesIN, kHi, true},
    {"BR", kLangPt, kCitiesBR, kPt, true},    {"ID", kLangIdEn, kCitiesID, kId, true},
    {"GB", kLangEn, kCitiesGB, kEn, false},   {"MX", kLangEs, kCitiesMX, kEs, false},
    {"DE", kLangDe, kCitiesDE, kDe, false},   {"FR", kLangFr, kCitiesFR, kFr, false},
    {"TR", kLangTr, kCitiesTR, kTr, true},    {"ES", kLangEs, kCitiesES, kEs, false},
    {"IT", kLangIt, kCitiesIT, kIt, false},   {"PH", kLangTlEn, kCitiesPH, kTl, true},
    {"NG", kLangEn, kCitiesNG, kAf, true},    {"CA", kLangEnFr, kCitiesCA, kEn, false},
    {"AR", kLangEs, kCitiesAR, kEs, false},   {"CO", kLangEs, kCitiesCO, kEs, false},
    {"JP", kLangJa, kCitiesJP, kJa, false},   {"KR", kLangKo, kCitiesKR, kKo, false},
    {"TH", kLangTh, kCitiesTH, kSea, false},  {"VN", kLangVi, kCitiesVN, kSea, true},
    {"AU", kLangEn, kCitiesAU, kEn, false},   {"PK", kLangUrEn, kCitiesPK, kHi, true},
    {"EG", kLangAr, kCitiesEG, kAr, true},    {"SA", kLangAr, kCitiesSA, kAr, false},
    {"PL", kLangPl, kCitiesPL, kDe, false},   {"NL", kLangNlEn, kCitiesNL, kDe, false},
    {"ZA", kLangEn, kCitiesZA, kAf, false},   {"AE", kLangArEn, kCitiesAE, kAr, false},
    {"MY", kLangMsEn, kCitiesMY, kId, false}, {"CL", kLangEs, kCitiesCL, kEs, false},
    {"PT", kLangPt, kCitiesPT, kPt, false},   {"SE", kLangSvEn, kCitiesSE, kDe, false},
};

constexpr absl::string_view kBusinessSuffixes[] = {
    "Studio", "Shop", "Collective", "Lab", "Media", "Official", "Co", "House", "Club", "Daily"};

constexpr absl::string_view kGenericCaptionWords[] = {
    "today",  "new",      "love",      "weekend",     "giveaway",
    "tips",   "favorite", "collab",    "link-in-bio", "behind-the-scenes",
    "summer", "weekly",   "challenge", "update"};

}  // namespace

std::span<const CategoryVocabulary> Categories() { return kCategories; }
std::span<const CountryInfo> Countries() { return kCountries; }
std::span<const NameGroup> NameGroups() { return kNameGroups; }
std::span<const absl::string_view> BusinessSuffixes() { return kBusinessSuffixes; }
std::span<const absl::string_view> GenericCaptionWords() { return kGenericCaptionWords; }

}  // namespace microreach::catalog_gen
