// Parsing of --rendezvous addresses.
#include <gtest/gtest.h>

#include "core/dist/Rendezvous.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(Rendezvous, ParsesTcpAndFile) {
  auto t = parseRendezvous("tcp://node1.cluster:29500");
  EXPECT_EQ(t.kind, Rendezvous::Kind::Tcp);
  EXPECT_EQ(t.host, "node1.cluster");
  EXPECT_EQ(t.port, 29500);
  EXPECT_FALSE(t.loopback());
  EXPECT_TRUE(parseRendezvous("tcp://127.0.0.1:1234").loopback());
  EXPECT_EQ(parseRendezvous("tcp://[::1]:80").host, "::1");
  auto f = parseRendezvous("file:///shared/job7/store");
  EXPECT_EQ(f.kind, Rendezvous::Kind::File);
  EXPECT_EQ(f.path, "/shared/job7/store");
}

TEST(Rendezvous, RefusesOtherFormsWithTheAcceptedOnes) {
  for (const char* bad : {"node1:29500", "tcp://node1", "tcp://node1:0", "tcp://node1:99999", "tcp://:80", "file://rel/path"}) {
    try {
      parseRendezvous(bad);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("tcp://HOST:PORT"), std::string::npos) << e.what();
    }
  }
}

TEST(Rendezvous, FreeLocalPortIsUsable) {
  const auto p = freeLocalPort();
  EXPECT_GT(p, 0);
}
