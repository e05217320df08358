package dev.ballast.starter;

import picocli.CommandLine.IVersionProvider;

/** {@code ballast VERSION}, from the jar manifest. */
public class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"ballast " + (version == null ? "(development build)" : version)};
  }
}
