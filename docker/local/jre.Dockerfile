# Local stand-in for the official JRE image (docker/build-images.sh; no registry needed): Debian's
# OpenJDK 17 runtime and curl on the debootstrapped base. Built with --network host (apt reaches
# Debian's mirror like the host's apt does).
ARG BASE_IMAGE=ballast-base:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
