// The parts of @tgwf/co2's data export we read (the package ships no types).
declare module '@tgwf/co2/data' {
  /** Ember yearly averages, gCO2e/kWh, keyed by ISO 3166-1 alpha-3 code or region name ("WORLD", "EU"). */
  export const averageIntensity: { data: Record<string, number>; type: string };
  interface ElectricityMapsYear {
    data: Record<string, { zone: { zoneName: string; countryName?: string }; carbonIntensity: { value: number | null; unit: string } }>;
    methodology: string;
  }
  /** Electricity Maps yearly zone averages (ODbL), keyed "yearly2021" ... "yearly2025". */
  export const electricityMaps: Record<string, ElectricityMapsYear>;
}
