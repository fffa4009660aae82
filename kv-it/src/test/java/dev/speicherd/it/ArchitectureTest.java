package dev.speicherd.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module layering, held as rules that fail the build: server → {codec, storage} → api; codec
 * and storage never see each other or the server; api sees only the JDK. Only {@code Main}
 * touches the standard streams, and everything logs through {@link System.Logger}.
 */
@AnalyzeClasses(packages = "dev.speicherd", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String MAIN = "dev.speicherd.server.Main";
    /** The other command: what bin/speicherd asks for the heap, one line on standard output. */
    private static final String LAUNCH_HEAP = "dev.speicherd.server.LaunchHeap";
    private static final String LOGGING_SETUP = "dev.speicherd.server.Logging";


    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInAnyPackage("dev.speicherd..")
            .layer("api").definedBy("dev.speicherd.api..")
            .layer("storage").definedBy("dev.speicherd.storage..")
            .layer("codec").definedBy("dev.speicherd.codec..")
            .layer("server").definedBy("dev.speicherd.server..")
            .whereLayer("server").mayNotBeAccessedByAnyLayer()
            .whereLayer("storage").mayOnlyBeAccessedByLayers("server")
            .whereLayer("codec").mayOnlyBeAccessedByLayers("server")
            .whereLayer("api").mayOnlyBeAccessedByLayers("storage", "codec", "server");

    @ArchTest
    static final ArchRule apiDependsOnlyOnTheJdk = classes()
            .that().resideInAPackage("dev.speicherd.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.speicherd.api..", "java..");

    @ArchTest
    static final ArchRule codecUsesOnlyApiAndTheJdk = classes()
            .that().resideInAPackage("dev.speicherd.codec..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.speicherd.codec..", "dev.speicherd.api..", "java..");

    @ArchTest
    static final ArchRule storageUsesOnlyApiAndTheJdk = classes()
            .that().resideInAPackage("dev.speicherd.storage..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.speicherd.storage..", "dev.speicherd.api..", "java..");

    @ArchTest
    static final ArchRule onlyTheCommandsWriteToStandardStreams = noClasses()
            .that().doNotHaveFullyQualifiedName(MAIN).and().doNotHaveFullyQualifiedName(LAUNCH_HEAP)
            .should(ACCESS_STANDARD_STREAMS)
            .because("everything else logs through System.Logger");

    @ArchTest
    static final ArchRule onlyTheLoggingSetupTouchesJavaUtilLogging = noClasses()
            .that().haveNameNotMatching(LOGGING_SETUP.replace(".", "\\.") + "(\\$.*)?")
            .should(USE_JAVA_UTIL_LOGGING)
            .because("code logs through System.Logger; only the launcher configures the backend");
}
