package dev.ballast.ui;

/** What the bridge answers to one HTTP request: a status code and a JSON body. */
public record ApiResponse(int status, String json) {}
