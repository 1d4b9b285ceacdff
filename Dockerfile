# Kurashi Gateway: build with Maven, run on a JRE as an unprivileged user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/kurashi --create-home kurashi
WORKDIR /var/lib/kurashi
COPY --from=build /src/gateway/target/gateway.jar /opt/kurashi/gateway.jar
USER kurashi
ENV DATA_DIR=/var/lib/kurashi/data HTTP_PORT=8080
EXPOSE 8080
# exec form: SIGTERM reaches the JVM, which stops gracefully and exits 0.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/kurashi/gateway.jar"]
