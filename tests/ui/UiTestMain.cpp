// test_ui's main: widgets need a QApplication before any test runs.
// Run with QT_QPA_PLATFORM=offscreen; VTK rendering additionally needs an X
// display (ctest wraps the tests in xvfb-run when it is installed).
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
