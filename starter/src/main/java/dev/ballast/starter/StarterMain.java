package dev.ballast.starter;

/** Entry point of {@code ballast.jar}. */
public final class StarterMain {
  private StarterMain() {}

  public static void main(String[] args) {
    System.exit(BallastCommand.commandLine(new BallastCommand(), args).execute(args));
  }
}
