# The Debian 12 package `scdfm-studio` (CPack DEB).
#   cd build && cpack            → scdfm-studio_<version>_<arch>.deb
#   installer/dev.sh package     → the same, after building
# Layout (prefix /usr): bin/scdfm, bin/scdfm-studio; lib/scdfm-studio/libscdfm_core.so.0
# (private, found through the executables' RUNPATH); share/scdfm-studio/{data,models};
# desktop entry, icon, MIME type and AppStream metainfo (installer/CMakeLists.txt).

set(SCDFM_PROJECT_LICENSE "LicenseRef-proprietary" CACHE STRING
    "SPDX licence of scDFM Studio, shown in the AppStream metainfo")
set(SCDFM_HOMEPAGE_URL "https://scdfm.io" CACHE STRING "Project home page (package and AppStream)")
set(SCDFM_SCREENSHOT_BASE_URL "${SCDFM_HOMEPAGE_URL}/docs/screenshots" CACHE STRING
    "Where the README screenshots (docs/screenshots/*.png) are published, for AppStream")
set(SCDFM_DEB_COMPRESSION "xz" CACHE STRING "Compression of the .deb (xz, zstd, gzip, none)")
set(SCDFM_PACKAGE_CONTACT "scDFM Studio developers <scdfm-studio@scdfm.io>" CACHE STRING
    "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME scdfm-studio)
set(CPACK_PACKAGE_VENDOR "scDFM Studio developers")
set(CPACK_PACKAGE_CONTACT "${SCDFM_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "predict single-cell responses to genetic and chemical perturbations")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The RelWithDebInfo core library is mostly debug info; users do not need it.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${SCDFM_HOMEPAGE_URL}")
set(CPACK_DEBIAN_COMPRESSION_TYPE "${SCDFM_DEB_COMPRESSION}")
# CPack puts the summary first, indents these lines and turns the empty one into " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "scDFM Studio predicts how single cells respond to CRISPR knockdowns, their
combinations and drugs at a given dose with the scDFM flow-matching model,
and compares predicted cells with observed and control cells: UMAP views,
expression distributions, differential expression, the metrics of the scDFM
paper and simple baselines. It reads AnnData (.h5ad) files.

This package holds the desktop application (scdfm-studio), the command-line
tool (scdfm), a simulated Perturb-seq demo dataset and the shipped models.")

# Library packages come from the binaries' own links (dpkg-shlibdeps); the
# private core library is found through the executables' RUNPATH ($ORIGIN).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the links do not show: plugins and libraries loaded at run time.
#   hdf5-plugin-lzf       LZF-compressed .h5ad (h5py's filter 32000, AnnData 0.7 files)
#   libopenblas0-pthread  fast BLAS behind LibTorch (the reference BLAS is ~5x slower)
#   libgl1-mesa-dri       OpenGL drivers for the VTK views
set(CPACK_DEBIAN_PACKAGE_DEPENDS "hdf5-plugin-lzf, libopenblas0-pthread")
if(SCDFM_BUILD_GUI)
  # (libqt6svg6, whose plugins draw the SVG icons, comes with the Qt6::Svg link.)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libgl1-mesa-dri")
  # Debian's libqt6gui6 carries the X11 platform plugin; Wayland's is separate.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland, fonts-dejavu-core")
endif()

include(CPack)
