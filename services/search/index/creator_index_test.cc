#include "services/search/index/creator_index.h"
#include "gtest/gtest.h"
TEST(X, Y) {}
