package org.ring4j.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints ring4j's version (from the jar manifest) and the JVM it runs on. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"ring4j " + (v == null ? "(development build)" : v),
            "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")};
    }
}
